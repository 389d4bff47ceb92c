package dev.betanet.protocol.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.betanet.protocol.topology.TopologyException.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
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
            base64AndWipe(keys.identityPrivate()),
            keys.packetKeys().stream()
                .map(k -> new KeyJson(k.epoch(), base64AndWipe(k.privateKey())))
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
    List<byte[]> decoded = new ArrayList<>();
    try {
      FileJson file = TopologyJson.MAPPER.readValue(content, FileJson.class);
      byte[] identity = Base64.getDecoder().decode(file.identityPrivate());
      decoded.add(identity);
      List<NodeKeys.EpochKey> packetKeys = new ArrayList<>();
      for (KeyJson k : file.packetKeys()) {
        byte[] scalar = Base64.getDecoder().decode(k.privateKey());
        decoded.add(scalar);
        NodeKeys.EpochKey key = new NodeKeys.EpochKey(k.epoch(), scalar);
        packetKeys.add(key);
      }
      try {
        return new NodeKeys(file.nodeId(), file.operatorKey(), identity, packetKeys);
      } finally {
        packetKeys.forEach(NodeKeys.EpochKey::destroy); // NodeKeys holds its own copies
      }
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
    } finally {
      decoded.forEach(bytes -> Arrays.fill(bytes, (byte) 0));
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

  /** Base64 of a private key copy, which is then zeroed (the String cannot be; see docs). */
  private static String base64AndWipe(byte[] bytes) {
    try {
      return Base64.getEncoder().encodeToString(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }
}
