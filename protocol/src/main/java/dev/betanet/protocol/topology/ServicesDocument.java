package dev.betanet.protocol.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code services.json}: the backend of each {@code .fog} service an exit router hosts, by fog name
 * and by alias — {@code {"<fog name or alias>": {"backend": "http://host:port", "ports": [{"port":
 * 22, "backend": "tcp://ssh:22"}]}}} ({@code ports} optional: the TCP ports streams may reach, each
 * with its one backend). The operator writes it into the router's ConfigMap; the router reads it at
 * start. One class for both sides, so the two cannot disagree on the format. The parse is strict:
 * an unknown field, a duplicate port or a malformed backend is an error naming the service.
 *
 * @param backends backend base URL by name, each {@code http://host[:port][/path]}
 * @param tcpPorts by name, declared TCP port → backend {@code tcp://host:port}
 */
public record ServicesDocument(
    Map<String, String> backends, Map<String, Map<Integer, String>> tcpPorts) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> SERVICE_FIELDS = Set.of("backend", "ports");
  private static final Set<String> PORT_FIELDS = Set.of("port", "backend");

  public ServicesDocument {
    backends = Map.copyOf(new TreeMap<>(backends));
    backends.forEach(ServicesDocument::checkBackend);
    Map<String, Map<Integer, String>> ports = new TreeMap<>();
    for (Map.Entry<String, Map<Integer, String>> service : tcpPorts.entrySet()) {
      String name = service.getKey();
      if (!backends.containsKey(name)) {
        throw new IllegalArgumentException("service " + name + " has ports but no \"backend\"");
      }
      service.getValue().forEach((port, backend) -> checkTcpBackend(name, port, backend));
      if (!service.getValue().isEmpty()) {
        ports.put(name, Map.copyOf(new TreeMap<>(service.getValue())));
      }
    }
    tcpPorts = Map.copyOf(ports);
  }

  /** A document of HTTP backends only. */
  public ServicesDocument(Map<String, String> backends) {
    this(backends, Map.of());
  }

  /** Reads and validates the file; IllegalArgumentException names what is wrong. */
  public static ServicesDocument read(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  /** Parses and validates; IllegalArgumentException names the service and what is wrong. */
  public static ServicesDocument parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "services file is not a JSON object: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("services file is not a JSON object");
    }
    Map<String, String> backends = new LinkedHashMap<>();
    Map<String, Map<Integer, String>> tcpPorts = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String name = entry.getKey();
      JsonNode service = entry.getValue();
      if (!service.isObject()) {
        throw new IllegalArgumentException("service " + name + " is not a JSON object");
      }
      unknownFields(service, SERVICE_FIELDS, "service " + name);
      JsonNode backend = service.path("backend");
      if (!backend.isTextual()) {
        throw new IllegalArgumentException("service " + name + " has no \"backend\" URL");
      }
      backends.put(name, backend.asText());
      if (service.has("ports")) {
        tcpPorts.put(name, ports(name, service.get("ports")));
      }
    }
    return new ServicesDocument(backends, tcpPorts);
  }

  private static Map<Integer, String> ports(String name, JsonNode ports) {
    if (!ports.isArray()) {
      throw new IllegalArgumentException("service " + name + ": \"ports\" is not a list");
    }
    Map<Integer, String> declared = new LinkedHashMap<>();
    for (JsonNode entry : ports) {
      if (!entry.isObject()) {
        throw new IllegalArgumentException("service " + name + ": a port entry is not an object");
      }
      unknownFields(entry, PORT_FIELDS, "service " + name + " port entry");
      JsonNode port = entry.path("port");
      JsonNode backend = entry.path("backend");
      if (!port.isInt() || port.asInt() < 1 || port.asInt() > 65535) {
        throw new IllegalArgumentException(
            "service " + name + ": port must be an integer 1..65535, got " + port);
      }
      if (!backend.isTextual()) {
        throw new IllegalArgumentException(
            "service " + name + " port " + port.asInt() + " has no \"backend\"");
      }
      if (declared.put(port.asInt(), backend.asText()) != null) {
        throw new IllegalArgumentException(
            "service " + name + " declares port " + port.asInt() + " twice");
      }
    }
    return declared;
  }

  private static void unknownFields(JsonNode object, Set<String> known, String where) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!known.contains(field)) {
        throw new IllegalArgumentException(where + " has an unknown field \"" + field + "\"");
      }
    }
  }

  /** The document as the router reads it, names in order. */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    backends.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              ObjectNode service = root.putObject(e.getKey()).put("backend", e.getValue());
              Map<Integer, String> declared = tcpPorts.get(e.getKey());
              if (declared != null) {
                var list = service.putArray("ports");
                new TreeMap<>(declared)
                    .forEach(
                        (port, backend) ->
                            list.addObject().put("port", port).put("backend", backend));
              }
            });
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("BUG: services JSON could not be written", e);
    }
  }

  private static void checkTcpBackend(String name, int port, String backend) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("service " + name + ": port " + port + " out of range");
    }
    URI uri;
    try {
      uri = URI.create(backend);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null
        || !"tcp".equals(uri.getScheme())
        || uri.getHost() == null
        || uri.getPort() < 1
        || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
      throw new IllegalArgumentException(
          "service "
              + name
              + " port "
              + port
              + ": backend must be tcp://host:port, got "
              + backend);
    }
  }

  private static void checkBackend(String name, String backend) {
    URI uri;
    try {
      uri = URI.create(backend);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "service " + name + ": backend must be http://host:port, got " + backend);
    }
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "service " + name + ": backend must be http://host:port, got " + backend);
    }
  }
}
