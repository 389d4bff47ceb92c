package dev.betanet.protocol.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.betanet.protocol.topology.TopologyException.Kind;
import java.io.IOException;
import java.util.Base64;
import java.util.stream.Collectors;

/**
 * Accepts a topology document only when it is signed by the pinned operator key and well formed.
 *
 * <p>Checks run in a fixed order, cheapest and least trusting first: size, JSON, envelope shape,
 * signature (before anything of the body is interpreted), format version, fields, consistency, and,
 * when asked, that the epoch moves forward. Each failure is a {@link TopologyException} of its own
 * {@link Kind}.
 */
public final class TopologyVerifier {

  /** Far above any real cluster (a 1,000-node topology is ~400 kB); refuses memory bombs. */
  public static final int MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

  private final Key32 operatorKey;

  /** {@code operatorKey}: the operator's Ed25519 public key, from the node's own key file. */
  public TopologyVerifier(Key32 operatorKey) {
    this.operatorKey = operatorKey;
  }

  /** The topology in {@code document}, if it is signed by the operator and valid. */
  public Topology verify(byte[] document) throws TopologyException {
    if (document.length > MAX_DOCUMENT_BYTES) {
      throw new TopologyException(
          Kind.TOO_LARGE, "document is " + document.length + " bytes, limit " + MAX_DOCUMENT_BYTES);
    }
    JsonNode envelope = parse(document);
    JsonNode body = envelope.get("topology");
    if (!envelope.isObject() || body == null || !body.isObject()) {
      throw new TopologyException(
          Kind.MALFORMED_ENVELOPE, "expected {\"topology\": {...}, \"signature\": \"...\"}");
    }
    checkSignature(envelope.get("signature"), body);
    JsonNode version = body.get("version");
    if (version == null || !version.isInt() || version.intValue() != Topology.FORMAT_VERSION) {
      throw new TopologyException(
          Kind.UNSUPPORTED_VERSION,
          "document version " + version + ", this node reads " + Topology.FORMAT_VERSION);
    }
    Topology topology = bind(body);
    TopologyValidator.validate(topology);
    return topology;
  }

  /** As {@link #verify(byte[])}, and refuses a document whose epoch is not above {@code epoch}. */
  public Topology verifyNewerThan(byte[] document, long epoch) throws TopologyException {
    Topology topology = verify(document);
    if (topology.epoch() <= epoch) {
      throw new TopologyException(
          Kind.STALE_EPOCH, "epoch " + topology.epoch() + " is not newer than " + epoch);
    }
    return topology;
  }

  private static JsonNode parse(byte[] document) throws TopologyException {
    try {
      JsonNode tree = TopologyJson.MAPPER.readTree(document);
      if (tree == null || tree.isMissingNode()) {
        throw new TopologyException(Kind.MALFORMED_JSON, "empty document");
      }
      return tree;
    } catch (IOException e) {
      throw new TopologyException(Kind.MALFORMED_JSON, firstLine(e.getMessage()), e);
    }
  }

  private void checkSignature(JsonNode signatureNode, JsonNode body) throws TopologyException {
    if (signatureNode == null || signatureNode.isNull()) {
      throw new TopologyException(Kind.UNSIGNED, "the envelope has no \"signature\"");
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(signatureNode.asText());
    } catch (IllegalArgumentException e) {
      throw new TopologyException(Kind.MALFORMED_SIGNATURE, "signature is not base64");
    }
    if (!signatureNode.isTextual() || signature.length != Ed25519Keys.SIGNATURE_LENGTH) {
      throw new TopologyException(
          Kind.MALFORMED_SIGNATURE,
          "signature is " + signature.length + " bytes, expected " + Ed25519Keys.SIGNATURE_LENGTH);
    }
    byte[] message;
    try {
      message = TopologySigner.signedMessage(body);
    } catch (IllegalArgumentException e) {
      throw new TopologyException(Kind.INVALID_FIELD, e.getMessage());
    }
    if (!Ed25519Keys.verify(operatorKey, message, signature)) {
      throw new TopologyException(
          Kind.BAD_SIGNATURE, "signature does not verify under operator key " + operatorKey);
    }
  }

  private static Topology bind(JsonNode body) throws TopologyException {
    try {
      return TopologyJson.MAPPER.treeToValue(body, Topology.class);
    } catch (JsonMappingException e) {
      String reason =
          e.getCause() instanceof IllegalArgumentException cause
              ? cause.getMessage()
              : e.getOriginalMessage();
      throw new TopologyException(
          Kind.INVALID_FIELD, "at " + path(e) + ": " + firstLine(reason), e);
    } catch (JsonProcessingException e) {
      throw new TopologyException(Kind.INVALID_FIELD, firstLine(e.getOriginalMessage()), e);
    } catch (IllegalArgumentException e) {
      throw new TopologyException(Kind.INVALID_FIELD, firstLine(e.getMessage()), e);
    }
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(
            ref ->
                ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("", "topology", ""));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
