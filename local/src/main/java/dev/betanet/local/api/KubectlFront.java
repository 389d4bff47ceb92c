package dev.betanet.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.betanet.rbac.RbacDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What kubectl talks to: passes every request through to the embedded API, except a watch ({@code
 * ?watch=true}), which it serves itself as kubectl expects it, a chunked HTTP stream of {@code
 * {"type":...,"object":...}} lines. The mock answers watches only over websockets, which is what
 * the Fabric8 client (the operator) uses, but not kubectl. Events come from listing the collection
 * every {@value #POLL_MILLIS} ms and comparing resource versions: a change that is undone within
 * one poll is not seen, and consecutive changes within one poll arrive as one MODIFIED event.
 *
 * <p>It also answers kubectl's request for a Table (server-side printing) on custom resources whose
 * CRD declares printer columns ({@link ServerSideTable}), in gets, lists and watches alike, so
 * {@code kubectl get mxc} shows the columns a real API server would.
 *
 * <p>Requests it passes on keep their credentials, so RBAC judges them in the API. A watch it
 * serves itself is judged here first, as the watch it is ({@link RbacDispatcher#refusal}); the
 * lists it polls for it are then its own.
 */
final class KubectlFront implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(KubectlFront.class.getName());
  static final long POLL_MILLIS = 250;

  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

  /** A custom resource collection or object: group, version, plural (subresources excluded). */
  private static final Pattern CUSTOM_RESOURCE =
      Pattern.compile("^/apis/([^/]+\\.[^/]+)/([^/]+)/(?:namespaces/[^/]+/)?([^/]+)(?:/[^/]+)?$");

  /** A watch without timeoutSeconds ends after this; kubectl then watches again. */
  static final Duration MAX_WATCH = Duration.ofMinutes(30);

  /** Headers the JDK client sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED =
      Set.of("connection", "content-length", "expect", "host", "upgrade", "transfer-encoding");

  private final HttpServer server;
  private final String backend;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final RbacDispatcher rbac;

  KubectlFront(int port, String backend, RbacDispatcher rbac) throws IOException {
    this.backend = backend;
    this.rbac = rbac;
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String watch = query.get("watch");
      boolean get = "GET".equals(exchange.getRequestMethod());
      ServerSideTable table = get && wantsTable(exchange) ? tableFor(exchange) : null;
      if (get && ("true".equals(watch) || "1".equals(watch))) {
        var refusal =
            rbac.refusal(
                "GET",
                exchange.getRequestURI().getRawPath()
                    + "?"
                    + exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders().getFirst("Authorization"));
        if (refusal.isPresent()) {
          respond(exchange, refusal.get());
          return;
        }
        streamWatch(exchange, exchange.getRequestURI().getRawPath(), query, table);
      } else if (table != null) {
        serveTable(exchange, table);
      } else {
        pass(exchange);
      }
    } catch (IOException e) {
      LOG.fine(() -> "kubectl request ended: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pass(HttpExchange exchange) throws IOException, InterruptedException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(backend + exchange.getRequestURI()))
            .timeout(Duration.ofSeconds(60))
            .method(
                exchange.getRequestMethod(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(v -> request.header(name, v));
              }
            });
    HttpResponse<byte[]> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))
                  && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
              }
            });
    respond(exchange, response.statusCode(), response.body());
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void respond(HttpExchange exchange, MockResponse response) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    respond(exchange, response.code(), response.getBody().readByteArray());
  }

  private static boolean wantsTable(HttpExchange exchange) {
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    return accept != null && accept.contains("as=Table");
  }

  /** The table view of a custom resource path that has printer columns, or null. */
  private ServerSideTable tableFor(HttpExchange exchange) throws IOException, InterruptedException {
    Matcher path = CUSTOM_RESOURCE.matcher(exchange.getRequestURI().getRawPath());
    if (!path.matches()) {
      return null;
    }
    HttpResponse<byte[]> crds =
        client.send(
            HttpRequest.newBuilder(URI.create(backend + CRDS))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (crds.statusCode() != 200) {
      return null;
    }
    return ServerSideTable.forResource(
            json, json.readTree(crds.body()), path.group(1), path.group(2), path.group(3))
        .orElse(null);
  }

  /** Answers a get or list of a custom resource as the API server would: a Table. */
  private void serveTable(HttpExchange exchange, ServerSideTable table)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        client.send(
            withCredentials(
                    HttpRequest.newBuilder(URI.create(backend + exchange.getRequestURI()))
                        .timeout(Duration.ofSeconds(60))
                        .header("Accept", "application/json"),
                    exchange)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    if (response.statusCode() != 200) {
      respond(exchange, response.statusCode(), response.body());
      return;
    }
    JsonNode doc = json.readTree(response.body());
    List<JsonNode> objects = new ArrayList<>();
    if (doc.has("items")) {
      objects.addAll(withKinds(doc).values());
    } else {
      objects.add(doc);
    }
    respond(
        exchange,
        200,
        json.writeValueAsBytes(
            table.table(
                objects, doc.path("metadata").path("resourceVersion").asText(), Instant.now())));
  }

  /** The caller's credentials on a request made for it. */
  private static HttpRequest.Builder withCredentials(
      HttpRequest.Builder request, HttpExchange exchange) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    return authorization == null ? request : request.header("Authorization", authorization);
  }

  /**
   * Lists every {@value #POLL_MILLIS} ms and writes what changed as watch events; with {@code
   * table}, each event's object is a one-row Table, as kubectl asked.
   */
  private void streamWatch(
      HttpExchange exchange, String path, Map<String, String> query, ServerSideTable table)
      throws IOException, InterruptedException {
    String nameFilter = null;
    String selector = query.getOrDefault("fieldSelector", "");
    for (String term : selector.split(",")) {
      if (term.startsWith("metadata.name=")) {
        nameFilter = term.substring("metadata.name=".length());
      }
    }
    String listUri =
        backend
            + path
            + (query.containsKey("labelSelector")
                ? "?labelSelector="
                    + java.net.URLEncoder.encode(query.get("labelSelector"), StandardCharsets.UTF_8)
                : "");
    long timeout =
        query.containsKey("timeoutSeconds")
            ? Long.parseLong(query.get("timeoutSeconds")) * 1000
            : MAX_WATCH.toMillis();
    long deadline = System.currentTimeMillis() + Math.min(timeout, MAX_WATCH.toMillis());
    String since = query.get("resourceVersion");
    boolean replayAll = since == null || since.isEmpty() || "0".equals(since);

    Map<String, JsonNode> known = list(listUri, nameFilter);
    if (known == null) {
      exchange.sendResponseHeaders(404, -1);
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      for (JsonNode object : known.values()) {
        if (replayAll) {
          event(out, "ADDED", object, table);
        } else if (newerThan(object, since)) {
          event(out, "MODIFIED", object, table);
        }
      }
      out.flush();
      while (System.currentTimeMillis() < deadline) {
        Thread.sleep(POLL_MILLIS);
        Map<String, JsonNode> now = list(listUri, nameFilter);
        if (now == null) {
          return;
        }
        for (Map.Entry<String, JsonNode> entry : now.entrySet()) {
          JsonNode before = known.get(entry.getKey());
          if (before == null) {
            event(out, "ADDED", entry.getValue(), table);
          } else if (!version(before).equals(version(entry.getValue()))) {
            event(out, "MODIFIED", entry.getValue(), table);
          }
        }
        for (Map.Entry<String, JsonNode> entry : known.entrySet()) {
          if (!now.containsKey(entry.getKey())) {
            event(out, "DELETED", entry.getValue(), table);
          }
        }
        out.flush();
        known = now;
      }
    }
  }

  private static boolean newerThan(JsonNode object, String since) {
    try {
      return Long.parseLong(version(object)) > Long.parseLong(since);
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private static String version(JsonNode object) {
    return object.path("metadata").path("resourceVersion").asText();
  }

  private void event(OutputStream out, String type, JsonNode object, ServerSideTable table)
      throws IOException {
    ObjectNode event = json.createObjectNode();
    event.put("type", type);
    event.set(
        "object",
        table == null ? object : table.table(List.of(object), version(object), Instant.now()));
    out.write(json.writeValueAsBytes(event));
    out.write('\n');
  }

  /** The collection's items by uid (kind and apiVersion filled in), or null if there is none. */
  private Map<String, JsonNode> list(String uri, String nameFilter)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        client.send(
            HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      return null;
    }
    Map<String, JsonNode> items = withKinds(json.readTree(response.body()));
    if (nameFilter != null) {
      items
          .values()
          .removeIf(item -> !nameFilter.equals(item.path("metadata").path("name").asText()));
    }
    return items;
  }

  /** A list document's items by uid, each with the kind and apiVersion the mock leaves out. */
  private static Map<String, JsonNode> withKinds(JsonNode doc) {
    String kind = doc.path("kind").asText();
    String itemKind = kind.endsWith("List") ? kind.substring(0, kind.length() - 4) : kind;
    Map<String, JsonNode> items = new LinkedHashMap<>();
    for (JsonNode item : doc.path("items")) {
      ObjectNode copy = (ObjectNode) item;
      if (!copy.has("kind")) {
        copy.put("kind", itemKind);
      }
      if (!copy.has("apiVersion")) {
        copy.put("apiVersion", doc.path("apiVersion").asText());
      }
      String key = item.path("metadata").path("uid").asText();
      items.put(key.isEmpty() ? item.path("metadata").path("name").asText() : key, copy);
    }
    return items;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw == null) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.put(key, value);
    }
    return params;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
