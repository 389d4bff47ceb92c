package dev.betanet.rbac;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What an API request asks to do, in the terms RBAC rules are written in: the verb, API group,
 * resource, subresource, name and namespace, or a non-resource path. Derived from the method and
 * path exactly as the API server's request-info resolver does ({@code
 * k8s.io/apiserver/pkg/endpoints/request/requestinfo.go}):
 *
 * <ul>
 *   <li>{@code GET} of a collection is {@code list}, of an object {@code get}, and either with
 *       {@code ?watch=true} (or under the legacy {@code /watch/} prefix) is {@code watch};
 *   <li>{@code POST} is {@code create}, {@code PUT} {@code update}, {@code PATCH} {@code patch},
 *       {@code DELETE} of an object {@code delete} and of a collection {@code deletecollection};
 *   <li>a list or watch with the field selector {@code metadata.name=X} names object X, so a rule
 *       limited by {@code resourceNames} allows watching that one object (what an informer on one
 *       ConfigMap does);
 *   <li>{@code /api/v1/namespaces/NS} is the namespace NS itself (resource {@code namespaces}, name
 *       and namespace NS); {@code status} and {@code finalize} below it are its subresources.
 * </ul>
 */
public record RequestAttributes(
    String verb,
    boolean resourceRequest,
    String path,
    String apiGroup,
    String apiVersion,
    String namespace,
    String resource,
    String subresource,
    String name) {

  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  /** The attributes of {@code method} on {@code rawPath} (path and query, as sent). */
  public static RequestAttributes of(String method, String rawPath) {
    int q = rawPath.indexOf('?');
    String path = q < 0 ? rawPath : rawPath.substring(0, q);
    String query = q < 0 ? "" : rawPath.substring(q + 1);
    String httpVerb = method.toLowerCase(Locale.ROOT);
    List<String> parts = new ArrayList<>(Arrays.asList(trimSlashes(path).split("/")));
    boolean api = !parts.isEmpty() && parts.getFirst().equals("api");
    boolean apis = !parts.isEmpty() && parts.getFirst().equals("apis");
    // /api/v1/... has at least 3 parts for a resource; /apis/GROUP/VERSION/... at least 4.
    if (!(api && parts.size() >= 3) && !(apis && parts.size() >= 4)) {
      return nonResource(httpVerb, path);
    }
    parts.removeFirst();
    String group = "";
    if (apis) {
      group = parts.removeFirst();
    }
    String version = parts.removeFirst();

    String verb =
        switch (httpVerb) {
          case "post" -> "create";
          case "get", "head" -> "get";
          case "put" -> "update";
          case "patch" -> "patch";
          case "delete" -> "delete";
          default -> httpVerb;
        };
    if (parts.getFirst().equals("watch")) {
      parts.removeFirst();
      verb = "watch";
    }
    if (parts.isEmpty()) {
      return nonResource(httpVerb, path);
    }
    String namespace = "";
    if (parts.getFirst().equals("namespaces") && parts.size() > 1) {
      namespace = parts.get(1);
      if (parts.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(parts.get(2))) {
        parts = new ArrayList<>(parts.subList(2, parts.size()));
      }
    }
    String resource = parts.getFirst();
    String name = parts.size() >= 2 ? parts.get(1) : "";
    String subresource = parts.size() >= 3 ? parts.get(2) : "";

    if (name.isEmpty() && verb.equals("get")) {
      verb = "list";
    }
    if (name.isEmpty() && verb.equals("delete")) {
      verb = "deletecollection";
    }
    String watch = parameter(query, "watch");
    if ((verb.equals("list") || verb.equals("get")) && isTrue(watch)) {
      verb = "watch";
    }
    if (verb.equals("list") || verb.equals("watch")) {
      String selector = parameter(query, "fieldSelector");
      if (selector != null) {
        for (String term : selector.split(",")) {
          if (term.startsWith("metadata.name=")) {
            name = term.substring("metadata.name=".length());
          }
        }
      }
    }
    return new RequestAttributes(
        verb, true, path, group, version, namespace, resource, subresource, name);
  }

  private static RequestAttributes nonResource(String verb, String path) {
    return new RequestAttributes(verb, false, path, "", "", "", "", "", "");
  }

  private static String trimSlashes(String path) {
    String trimmed = path;
    while (trimmed.startsWith("/")) {
      trimmed = trimmed.substring(1);
    }
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed;
  }

  private static boolean isTrue(String value) {
    return value != null && (value.equals("true") || value.equals("1"));
  }

  private static String parameter(String query, String key) {
    if (query.isEmpty()) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      if (k.equals(key)) {
        return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** {@code resource} or {@code resource/subresource}, as RBAC rules and messages write it. */
  public String qualifiedResource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }
}
