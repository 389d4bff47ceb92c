package dev.betanet.protocol.topology;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one JSON mapping of topology documents and key files, and their canonical bytes.
 *
 * <p>Canonical form: object keys sorted (by UTF-16 code units, as in RFC 8785), no insignificant
 * white space, Jackson's string escaping. The topology holds no floating-point numbers, so its
 * numbers have one spelling; {@link #canonicalBytes} refuses any that do.
 */
final class TopologyJson {

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .build();

  private TopologyJson() {}

  /** The canonical bytes of {@code node}; IllegalArgumentException on a floating-point number. */
  static byte[] canonicalBytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(sorted(node, "$")).getBytes(StandardCharsets.UTF_8);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("BUG: a JSON tree could not be written", e);
    }
  }

  private static JsonNode sorted(JsonNode node, String path) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      Collections.sort(names);
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      for (String name : names) {
        copy.set(name, sorted(node.get(name), path + "." + name));
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < node.size(); i++) {
        copy.add(sorted(node.get(i), path + "[" + i + "]"));
      }
      return copy;
    }
    if (node.isNumber() && !node.isIntegralNumber()) {
      throw new IllegalArgumentException(
          "floating-point number at " + path + " has no canonical form; use an integer");
    }
    return node;
  }
}
