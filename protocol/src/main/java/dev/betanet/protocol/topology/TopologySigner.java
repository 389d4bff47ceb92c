package dev.betanet.protocol.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Signs topology documents with the operator's Ed25519 key. The output is what the operator puts in
 * ConfigMap {@code <cluster>-topology}, key {@code topology.json}:
 *
 * <pre>{@code {"topology": {...}, "signature": "<base64>", "signer": "<base64 public key>"}}</pre>
 *
 * The signature covers {@link #DOMAIN} followed by the canonical bytes of the {@code topology}
 * object, so white space and key order in the envelope do not matter. {@code signer} is only a hint
 * for people: verifiers use the operator key pinned in their own key file.
 */
public final class TopologySigner {

  /** Domain separation: a topology signature can never be mistaken for any other signature. */
  static final byte[] DOMAIN = "betanet topology v1\0".getBytes(StandardCharsets.US_ASCII);

  private final byte[] privateKey;
  private final Key32 publicKey;

  /** {@code privateKey}: the operator's 32-byte Ed25519 private key (copied). */
  public TopologySigner(byte[] privateKey) {
    this.privateKey = privateKey.clone();
    this.publicKey = Ed25519Keys.publicOf(this.privateKey);
  }

  public Key32 publicKey() {
    return publicKey;
  }

  /**
   * The signed envelope of {@code topology}, pretty-printed UTF-8 JSON. Throws
   * IllegalArgumentException when the topology itself is invalid: the operator must never publish a
   * document nodes would refuse.
   */
  public byte[] sign(Topology topology) {
    try {
      TopologyValidator.validate(topology);
    } catch (TopologyException e) {
      throw new IllegalArgumentException("refusing to sign an invalid topology: " + e.getMessage());
    }
    JsonNode body = TopologyJson.MAPPER.valueToTree(topology);
    byte[] signature = Ed25519Keys.sign(privateKey, signedMessage(body));
    ObjectNode envelope = TopologyJson.MAPPER.createObjectNode();
    envelope.set("topology", body);
    envelope.put("signature", Base64.getEncoder().encodeToString(signature));
    envelope.put("signer", publicKey.base64());
    try {
      return TopologyJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(envelope);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("BUG: a topology envelope could not be written", e);
    }
  }

  static byte[] signedMessage(JsonNode topologyBody) {
    byte[] canonical = TopologyJson.canonicalBytes(topologyBody);
    byte[] message = new byte[DOMAIN.length + canonical.length];
    System.arraycopy(DOMAIN, 0, message, 0, DOMAIN.length);
    System.arraycopy(canonical, 0, message, DOMAIN.length, canonical.length);
    return message;
  }
}
