package dev.betanet.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Reads a resource's JSON defensively. The plugin may meet a status written by an older or newer
 * operator, or none at all: a field that is absent, null or of another type reads as empty, never
 * as an error.
 */
final class Fields {

  /** Shown for anything the resource does not say. */
  static final String ABSENT = "—";

  private Fields() {}

  static JsonNode at(JsonNode node, String... path) {
    JsonNode current = node == null ? MissingNode.getInstance() : node;
    for (String step : path) {
      current = current.path(step);
    }
    return current;
  }

  static Optional<String> text(JsonNode node, String... path) {
    JsonNode value = at(node, path);
    if (value.isTextual() || value.isNumber() || value.isBoolean()) {
      String text = value.asText();
      return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }
    return Optional.empty();
  }

  static OptionalLong whole(JsonNode node, String... path) {
    JsonNode value = at(node, path);
    return value.isIntegralNumber() ? OptionalLong.of(value.asLong()) : OptionalLong.empty();
  }

  static OptionalDouble number(JsonNode node, String... path) {
    JsonNode value = at(node, path);
    return value.isNumber() ? OptionalDouble.of(value.asDouble()) : OptionalDouble.empty();
  }

  static Optional<Boolean> flag(JsonNode node, String... path) {
    JsonNode value = at(node, path);
    return value.isBoolean() ? Optional.of(value.asBoolean()) : Optional.empty();
  }

  static String textOrAbsent(JsonNode node, String... path) {
    return text(node, path).orElse(ABSENT);
  }
}
