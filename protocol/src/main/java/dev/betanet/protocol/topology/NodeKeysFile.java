package dev.betanet.protocol.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.betanet.protocol.topology.TopologyException.Kind;
import java.io.IOException;
import java.util.Base64;
import java.util.List;

/**
 * The node key file: key {@code keys.json} of the node's Secret, mounted only into that node's pod.
 *
 * <pre>{@code
 * {"nodeId": "demo-mix-0-0",
 *  "operatorKey": "<base64 Ed25519 public>",
 *  "identityPrivate": "<base64 Ed25519 private>",
 *  "packetKeys": [{"epoch": 4, "privateKey": "<base64 X25519>"}, {"epoch": 3, ...}]}
 * }</pre>
 *
 * Error messages never quote the file's content.
 */
public final class NodeKeysFile {

  /** The Secret key and file name. */
  public static final String FILE_NAME = "keys.json";

  private static final int MAX_BYTES = 64 * 1024;

  private record KeyJson(long epoch, String privateKey) {}

  private record FileJson(
      String nodeId, Key32 operatorKey, String identityPrivate, List<KeyJson> packetKeys) {}

  private NodeKeysFile() {}

  public static byte[] write(NodeKeys keys) {
    var file =
        new FileJson(
            keys.nodeId(),
            keys.operatorKey(),
            base64(keys.identityPrivate()),
            keys.packetKeys().stream()
                .map(k -> new KeyJson(k.epoch(), base64(k.privateKey())))
                .toList());
    try {
      return TopologyJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(file);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("BUG: a key file could not be written", e);
    }
  }

  public static NodeKeys read(byte[] content) throws TopologyException {
    if (content.length > MAX_BYTES) {
      throw new TopologyException(
          Kind.INVALID_KEY_FILE, "key file is " + content.length + " bytes, limit " + MAX_BYTES);
    }
    try {
      FileJson file = TopologyJson.MAPPER.readValue(content, FileJson.class);
      return new NodeKeys(
          file.nodeId(),
          file.operatorKey(),
          Base64.getDecoder().decode(file.identityPrivate()),
          file.packetKeys().stream()
              .map(
                  k -> new NodeKeys.EpochKey(k.epoch(), Base64.getDecoder().decode(k.privateKey())))
              .toList());
    } catch (JsonMappingException e) {
      // Only the location, never the offending text: it may be key material.
      throw new TopologyException(
          Kind.INVALID_KEY_FILE, "bad or missing field at " + pathOf(e), null);
    } catch (IOException e) {
      throw new TopologyException(Kind.INVALID_KEY_FILE, "not a JSON key file", null);
    } catch (IllegalArgumentException | NullPointerException e) {
      // Base64 errors quote the offending character: keep key material out of the message.
      String reason =
          e.getMessage() != null && e.getMessage().startsWith("an ")
              ? e.getMessage()
              : "a key or field is missing or not base64";
      throw new TopologyException(Kind.INVALID_KEY_FILE, reason, null);
    }
  }

  private static String pathOf(JsonMappingException e) {
    StringBuilder path = new StringBuilder("$");
    for (JsonMappingException.Reference ref : e.getPath()) {
      path.append(
          ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
    }
    return path.toString();
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
