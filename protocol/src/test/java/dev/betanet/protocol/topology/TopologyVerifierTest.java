package dev.betanet.protocol.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.betanet.protocol.topology.TopologyException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class TopologyVerifierTest {

  private final TopologySigner signer = new TopologySigner(SampleTopologies.OPERATOR_PRIVATE);
  private final TopologyVerifier verifier = new TopologyVerifier(SampleTopologies.operatorKey());

  @Test
  void acceptsWhatTheOperatorSigned() throws Exception {
    Topology topology = SampleTopologies.threeLayers(7, 30);

    Topology verified = verifier.verify(signer.sign(topology));

    assertThat(verified).isEqualTo(topology);
    assertThat(verified.routerHosting("echo.fog")).isPresent();
    assertThat(verified.mixnode("demo-mix-2-1")).isPresent();
  }

  @Test
  void acceptsTheSameDocumentReformattedAndReordered() throws Exception {
    ObjectNode envelope = envelopeOf(SampleTopologies.threeLayers(7, 30));
    ObjectNode reordered = TopologyJson.MAPPER.createObjectNode();
    reordered.put("signature", envelope.get("signature").asText());
    reordered.set("topology", envelope.get("topology"));

    byte[] compact = TopologyJson.MAPPER.writeValueAsBytes(reordered);

    assertThat(verifier.verify(compact).epoch()).isEqualTo(7);
  }

  @Test
  void rejectsAChangedWeight() throws Exception {
    ObjectNode envelope = envelopeOf(SampleTopologies.threeLayers(7, 30));
    ((ObjectNode) envelope.at("/topology/canary")).put("weight", 100);

    assertKind(() -> verifier.verify(bytes(envelope)), Kind.BAD_SIGNATURE);
  }

  @Test
  void rejectsADocumentSignedByAnotherKey() {
    byte[] otherKey = new byte[32];
    byte[] document = new TopologySigner(otherKey).sign(SampleTopologies.threeLayers(7, 30));

    assertKind(() -> verifier.verify(document), Kind.BAD_SIGNATURE);
  }

  @Test
  void rejectsEachMalformedEnvelopeWithItsOwnKind() throws Exception {
    assertKind(
        () -> verifier.verify("{not json".getBytes(StandardCharsets.UTF_8)), Kind.MALFORMED_JSON);
    assertKind(() -> verifier.verify(new byte[0]), Kind.MALFORMED_JSON);
    assertKind(
        () -> verifier.verify("[1,2]".getBytes(StandardCharsets.UTF_8)), Kind.MALFORMED_ENVELOPE);

    ObjectNode unsigned = envelopeOf(SampleTopologies.threeLayers(7, 30));
    unsigned.remove("signature");
    assertKind(() -> verifier.verify(bytes(unsigned)), Kind.UNSIGNED);

    ObjectNode shortSignature = envelopeOf(SampleTopologies.threeLayers(7, 30));
    shortSignature.put("signature", Base64.getEncoder().encodeToString(new byte[10]));
    assertKind(() -> verifier.verify(bytes(shortSignature)), Kind.MALFORMED_SIGNATURE);

    ObjectNode notBase64 = envelopeOf(SampleTopologies.threeLayers(7, 30));
    notBase64.put("signature", "***");
    assertKind(() -> verifier.verify(bytes(notBase64)), Kind.MALFORMED_SIGNATURE);
  }

  @Test
  void rejectsOversizedDocumentBeforeParsing() {
    byte[] huge = new byte[TopologyVerifier.MAX_DOCUMENT_BYTES + 1];

    assertKind(() -> verifier.verify(huge), Kind.TOO_LARGE);
  }

  @Test
  void rejectsASignedDocumentOfAnotherVersion() throws Exception {
    JsonNode body = TopologyJson.MAPPER.valueToTree(SampleTopologies.threeLayers(7, 30));
    ((ObjectNode) body).put("version", 2);

    assertKind(() -> verifier.verify(signedRaw(body)), Kind.UNSUPPORTED_VERSION);
  }

  @Test
  void rejectsSignedButInvalidFieldsNamingTheField() throws Exception {
    JsonNode weight = TopologyJson.MAPPER.valueToTree(SampleTopologies.threeLayers(7, 30));
    ((ObjectNode) weight.get("canary")).put("weight", 101);
    assertThatThrownBy(() -> verifier.verify(signedRaw(weight)))
        .isInstanceOfSatisfying(
            TopologyException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_FIELD))
        .hasMessageContaining("topology.canary.weight must be 0..100, got 101");

    JsonNode missing = TopologyJson.MAPPER.valueToTree(SampleTopologies.threeLayers(7, 30));
    ((ObjectNode) missing.at("/layers/1/mixnodes/0")).remove("x25519");
    assertThatThrownBy(() -> verifier.verify(signedRaw(missing)))
        .hasMessageContaining("INVALID_FIELD")
        .hasMessageContaining("topology.layers[1].mixnodes[0]");

    JsonNode badKey = TopologyJson.MAPPER.valueToTree(SampleTopologies.threeLayers(7, 30));
    ((ObjectNode) badKey.at("/routers/0")).put("ed25519", "AAAA");
    assertThatThrownBy(() -> verifier.verify(signedRaw(badKey)))
        .hasMessageContaining("INVALID_FIELD")
        .hasMessageContaining("topology.routers[0].ed25519")
        .hasMessageContaining("got 3 bytes");

    JsonNode duplicate = TopologyJson.MAPPER.valueToTree(SampleTopologies.threeLayers(7, 30));
    ((ObjectNode) duplicate.at("/layers/2/mixnodes/1")).put("id", "demo-mix-0-0");
    assertThatThrownBy(() -> verifier.verify(signedRaw(duplicate)))
        .hasMessageContaining("duplicate node id demo-mix-0-0");

    // A float cannot even be signed canonically; the verifier names it before checking anything.
    ObjectNode fractional = envelopeOf(SampleTopologies.threeLayers(7, 30));
    ((ObjectNode) fractional.at("/topology/mixing")).put("meanDelayMillis", 2.5);
    assertThatThrownBy(() -> verifier.verify(bytes(fractional)))
        .hasMessageContaining("INVALID_FIELD")
        .hasMessageContaining("$.mixing.meanDelayMillis");
  }

  @Test
  void rejectsAnEpochThatDoesNotMoveForward() throws Exception {
    byte[] document = signer.sign(SampleTopologies.threeLayers(7, 30));

    assertThat(verifier.verifyNewerThan(document, 6).epoch()).isEqualTo(7);
    assertKind(() -> verifier.verifyNewerThan(document, 7), Kind.STALE_EPOCH);
  }

  @Test
  void signerRefusesAnInvalidTopology() {
    Topology bad = SampleTopologies.threeLayers(0, 30);

    assertThatThrownBy(() -> signer.sign(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topology.epoch must be at least 1");
  }

  private ObjectNode envelopeOf(Topology topology) throws Exception {
    return (ObjectNode) TopologyJson.MAPPER.readTree(signer.sign(topology));
  }

  /** Signs a raw body, bypassing the signer's own validation, as a buggy operator might. */
  private static byte[] signedRaw(JsonNode body) throws Exception {
    byte[] signature =
        Ed25519Keys.sign(SampleTopologies.OPERATOR_PRIVATE, TopologySigner.signedMessage(body));
    ObjectNode envelope = TopologyJson.MAPPER.createObjectNode();
    envelope.set("topology", body);
    envelope.put("signature", Base64.getEncoder().encodeToString(signature));
    return bytes(envelope);
  }

  private static byte[] bytes(JsonNode node) throws Exception {
    return TopologyJson.MAPPER.writeValueAsBytes(node);
  }

  private static void assertKind(ThrowingCallable call, Kind kind) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(TopologyException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }
}
