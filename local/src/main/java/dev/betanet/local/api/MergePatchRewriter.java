package dev.betanet.local.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Turns an RFC 7386 JSON merge patch into an RFC 6902 JSON patch of the patched top-level fields,
 * because the mock's own merge patch concatenates arrays (a merge-patched {@code status.conditions}
 * would keep every old condition) where RFC 7386 replaces them.
 */
final class MergePatchRewriter {

  private final ObjectMapper json = new ObjectMapper();

  /** The JSON patch that takes {@code current} to the RFC 7386 result of {@code patch}. */
  String toJsonPatch(String current, String patch) throws JsonProcessingException {
    JsonNode target = json.readTree(current);
    JsonNode mergePatch = json.readTree(patch);
    ArrayNode ops = json.createArrayNode();
    if (!mergePatch.isObject() || !target.isObject()) {
      throw new JsonProcessingException("merge patch and object must be JSON objects") {};
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = mergePatch.properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String pointer = "/" + field.getKey().replace("~", "~0").replace("/", "~1");
      if (field.getValue().isNull()) {
        if (target.has(field.getKey())) {
          ops.addObject().put("op", "remove").put("path", pointer);
        }
        continue;
      }
      ops.addObject()
          .put("op", "add")
          .put("path", pointer)
          .set("value", merge(target.get(field.getKey()), field.getValue()));
    }
    return json.writeValueAsString(ops);
  }

  /** RFC 7386 MergePatch(target, patch). */
  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode result =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : new ObjectMapper().createObjectNode();
    patch
        .properties()
        .forEach(
            field -> {
              if (field.getValue().isNull()) {
                result.remove(field.getKey());
              } else {
                result.set(field.getKey(), merge(result.get(field.getKey()), field.getValue()));
              }
            });
    return result;
  }
}
