package dev.betanet.local.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Wraps the Fabric8 CRUD dispatcher with what kubectl needs and the mock lacks: discovery documents
 * (built-in kinds plus every CRD stored through the API) and strategic merge patch, which
 * client-side {@code kubectl apply} sends for built-in kinds and the mock rejects (415).
 */
final class KubectlCompatDispatcher extends Dispatcher {

  private static final Logger LOG = Logger.getLogger(KubectlCompatDispatcher.class.getName());
  private static final String CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  private static final String STRATEGIC = "application/strategic-merge-patch+json";
  private static final String APPLY = "application/apply-patch+yaml";

  private final KubernetesCrudDispatcher crud;
  private final ObjectMapper json = new ObjectMapper();
  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
  private final OwnerGarbageCollector collector;
  private final MergePatchRewriter rewriter = new MergePatchRewriter();

  KubectlCompatDispatcher(KubernetesCrudDispatcher crud) {
    this.crud = crud;
    this.collector = new OwnerGarbageCollector(crud, this::allResources);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    if (bare.startsWith("/openapi/")) {
      // No schemas to serve; a 404 tells kubectl to skip client-side validation.
      return new MockResponse().setResponseCode(404).setBody("");
    }
    if ("GET".equals(request.getMethod())) {
      MockResponse discovery = discovery(bare);
      if (discovery != null) {
        return discovery;
      }
    }
    if ("PATCH".equals(request.getMethod()) && isApply(request)) {
      return serverSideApply(request, bare);
    }
    if ("PATCH".equals(request.getMethod()) && (isStrategic(request) || isMerge(request))) {
      return mergePatch(request, bare);
    }
    if ("DELETE".equals(request.getMethod())) {
      return deleteWithDependents(request, bare);
    }
    return crud.dispatch(request);
  }

  private MockResponse deleteWithDependents(RecordedRequest request, String path) {
    String uid = collector.uidAt(path);
    MockResponse response = crud.dispatch(request);
    if (uid != null && response.code() < 300) {
      collector.deleteDependentsOf(uid);
    }
    return response;
  }

  private static boolean isMerge(RecordedRequest request) {
    String type = request.getHeader("Content-Type");
    return type != null && type.startsWith("application/merge-patch+json");
  }

  private static boolean isApply(RecordedRequest request) {
    String type = request.getHeader("Content-Type");
    return type != null && type.startsWith(APPLY);
  }

  /**
   * Server-side apply, approximated: the applied configuration is created if the object does not
   * exist, else merged into it as a JSON merge patch. There are no field managers or conflicts, so
   * a field another manager set is overwritten and a field left out of the configuration is kept.
   * The operator's production build patches its status this way.
   */
  private MockResponse serverSideApply(RecordedRequest request, String path) {
    String body;
    try {
      body = json.writeValueAsString(yaml.readTree(request.getUtf8Body()));
    } catch (JsonProcessingException e) {
      return new MockResponse()
          .setResponseCode(400)
          .setBody("invalid apply configuration: " + e.getOriginalMessage());
    }
    boolean status = path.endsWith("/status");
    String objectPath = status ? path.substring(0, path.length() - "/status".length()) : path;
    if (!status && crud.handleGet(objectPath).code() == 404) {
      var headers = request.getHeaders().newBuilder().set("Content-Type", "application/json");
      return crud.dispatch(
          new RecordedRequest(
              request.getHttpVersion(),
              io.fabric8.mockwebserver.dsl.HttpMethod.POST,
              objectPath.substring(0, objectPath.lastIndexOf('/')),
              headers.build(),
              new io.fabric8.mockwebserver.http.Buffer().writeUtf8(body)));
    }
    var headers =
        request.getHeaders().newBuilder().set("Content-Type", "application/merge-patch+json");
    return mergePatch(
        new RecordedRequest(
            request.getHttpVersion(),
            request.method(),
            path,
            headers.build(),
            new io.fabric8.mockwebserver.http.Buffer().writeUtf8(body)),
        path);
  }

  /** Applies a merge patch as a JSON patch built against the stored object. */
  private MockResponse mergePatch(RecordedRequest request, String path) {
    MockResponse current =
        crud.handleGet(
            path.endsWith("/status")
                ? path.substring(0, path.length() - "/status".length())
                : path);
    if (current.code() != 200) {
      return crud.dispatch(asMergePatch(request));
    }
    String jsonPatch;
    try {
      jsonPatch = rewriter.toJsonPatch(current.getBody().readUtf8(), request.getUtf8Body());
    } catch (JsonProcessingException e) {
      return new MockResponse()
          .setResponseCode(400)
          .setBody("invalid merge patch: " + e.getOriginalMessage());
    }
    var headers =
        request.getHeaders().newBuilder().set("Content-Type", "application/json-patch+json");
    return crud.dispatch(
        new RecordedRequest(
            request.getHttpVersion(),
            request.method(),
            // The mock misses "/status" when a query (kubectl adds ?fieldManager=) follows it.
            path,
            headers.build(),
            new io.fabric8.mockwebserver.http.Buffer().writeUtf8(jsonPatch)));
  }

  private static boolean isStrategic(RecordedRequest request) {
    String type = request.getHeader("Content-Type");
    return type != null && type.startsWith(STRATEGIC);
  }

  /**
   * Without {@code $patch} directives or list merge keys, a strategic merge patch means the same as
   * a JSON merge patch; kubectl's apply of unchanged or scalar-changed objects is such a patch.
   * Lists are replaced whole, where the real server would merge them by key.
   */
  private static RecordedRequest asMergePatch(RecordedRequest request) {
    var headers =
        request.getHeaders().newBuilder().set("Content-Type", "application/merge-patch+json");
    return new RecordedRequest(
        request.getHttpVersion(),
        request.method(),
        request.getPath(),
        headers.build(),
        request.getBody());
  }

  private MockResponse discovery(String path) {
    try {
      return switch (path) {
        case "/version" -> ok(versionInfo());
        case "/api" -> ok(Map.of("kind", "APIVersions", "versions", List.of("v1")));
        case "/apis" -> ok(groupList());
        default -> resourceList(path);
      };
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("BUG: discovery document does not serialize", e);
    }
  }

  private MockResponse resourceList(String path) throws JsonProcessingException {
    String groupVersion;
    if (path.equals("/api/v1")) {
      groupVersion = "v1";
    } else if (path.startsWith("/apis/") && path.chars().filter(c -> c == '/').count() == 3) {
      groupVersion = path.substring("/apis/".length());
    } else {
      return null;
    }
    List<ApiResource> resources = allResources().get(groupVersion);
    if (resources == null) {
      return null;
    }
    List<Map<String, Object>> entries = new ArrayList<>();
    resources.forEach(r -> entries.addAll(r.toDiscovery()));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", "APIResourceList");
    doc.put("apiVersion", "v1");
    doc.put("groupVersion", groupVersion);
    doc.put("resources", entries);
    return ok(doc);
  }

  private Map<String, Object> groupList() {
    Map<String, Set<String>> versionsByGroup = new LinkedHashMap<>();
    for (String gv : allResources().keySet()) {
      int slash = gv.indexOf('/');
      if (slash > 0) {
        versionsByGroup
            .computeIfAbsent(gv.substring(0, slash), g -> new LinkedHashSet<>())
            .add(gv.substring(slash + 1));
      }
    }
    List<Map<String, Object>> groups = new ArrayList<>();
    versionsByGroup.forEach(
        (group, versions) -> {
          List<Map<String, String>> vs = new ArrayList<>();
          versions.forEach(v -> vs.add(Map.of("groupVersion", group + "/" + v, "version", v)));
          groups.add(Map.of("name", group, "versions", vs, "preferredVersion", vs.getFirst()));
        });
    return Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups", groups);
  }

  /** Built-in kinds plus the served versions of every CRD currently in the store. */
  private Map<String, List<ApiResource>> allResources() {
    Map<String, List<ApiResource>> all = new LinkedHashMap<>();
    BuiltInResources.BY_GROUP_VERSION.forEach((gv, list) -> all.put(gv, new ArrayList<>(list)));
    for (JsonNode crd : storedCrds()) {
      JsonNode spec = crd.path("spec");
      JsonNode names = spec.path("names");
      List<String> shortNames = new ArrayList<>();
      names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
      boolean namespaced = "Namespaced".equals(spec.path("scope").asText());
      for (JsonNode version : spec.path("versions")) {
        if (!version.path("served").asBoolean(true)) {
          continue;
        }
        String gv = spec.path("group").asText() + "/" + version.path("name").asText();
        all.computeIfAbsent(gv, k -> new ArrayList<>())
            .add(
                new ApiResource(
                    names.path("plural").asText(),
                    names.path("kind").asText(),
                    namespaced,
                    shortNames,
                    version.path("subresources").has("status")));
      }
    }
    return all;
  }

  private List<JsonNode> storedCrds() {
    MockResponse list = crud.handleGet(CRD_PATH);
    List<JsonNode> crds = new ArrayList<>();
    if (list.code() != 200) {
      return crds;
    }
    try {
      json.readTree(list.getBody().readUtf8()).path("items").forEach(crds::add);
    } catch (JsonProcessingException e) {
      LOG.warning("stored CRD list is not JSON, serving built-in discovery only: " + e);
    }
    return crds;
  }

  private static Map<String, Object> versionInfo() {
    return Map.of(
        "major", "1",
        "minor", "32",
        "gitVersion", "v1.32.0-betanet-local",
        "platform", "linux/amd64");
  }

  private MockResponse ok(Object doc) throws JsonProcessingException {
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "application/json")
        .setBody(json.writeValueAsString(doc));
  }
}
