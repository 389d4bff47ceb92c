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
import java.util.TreeMap;

/**
 * {@code services.json}: the backend of each {@code .fog} service an exit router hosts, by fog name
 * and by alias — {@code {"<fog name or alias>": {"backend": "http://host:port"}}}. The operator
 * writes it into the router's ConfigMap; the router reads it at start. One class for both sides, so
 * the two cannot disagree on the format.
 *
 * @param backends backend base URL by name, each {@code http://host[:port][/path]}
 */
public record ServicesDocument(Map<String, String> backends) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public ServicesDocument {
    backends = Map.copyOf(new TreeMap<>(backends));
    backends.forEach(ServicesDocument::checkBackend);
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
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode backend = entry.getValue().path("backend");
      if (!backend.isTextual()) {
        throw new IllegalArgumentException("service " + entry.getKey() + " has no \"backend\" URL");
      }
      backends.put(entry.getKey(), backend.asText());
    }
    return new ServicesDocument(backends);
  }

  /** The document as the router reads it, names in order. */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    backends.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> root.putObject(e.getKey()).put("backend", e.getValue()));
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("BUG: services JSON could not be written", e);
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
