package dev.betanet.protocol.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.betanet.protocol.topology.TopologyException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Fuzz targets for the signed topology document (docs/protocol.md, DESIGN "Topology"), which every
 * node reads from a ConfigMap or a file. The contract: {@link TopologyVerifier} ends every document
 * in a {@link TopologyException} or a valid {@link Topology}; it never throws anything else, and a
 * topology it accepts survives sign → verify unchanged.
 *
 * <p>Two targets: raw documents (the fuzzer cannot sign, so this covers everything up to and
 * including the signature check, and documents that differ from a signed one only outside the
 * signed canonical body), and bodies that the harness signs with the test operator key after the
 * fuzzer wrote them, so that field binding and validation behind the signature are reached.
 *
 * <p>Regression inputs: {@code
 * src/test/resources/dev/betanet/protocol/topology/TopologyFuzzTestInputs}; the seeds {@code
 * signed-sample} and {@code sample-body} are {@link SampleTopologies#threeLayers} with keys drawn
 * once.
 */
class TopologyFuzzTest {

  private static final TopologyVerifier VERIFIER =
      new TopologyVerifier(SampleTopologies.operatorKey());
  private static final TopologySigner SIGNER =
      new TopologySigner(SampleTopologies.OPERATOR_PRIVATE);

  @FuzzTest(maxDuration = "60s")
  void verifiesAnyDocument(byte[] document) throws IOException {
    if (checkVerdict(document, EnumSet.allOf(Kind.class))) {
      // Accepted: the document must carry the operator's signature over its body, checked here
      // with Bouncy Castle directly rather than through the verifier.
      JsonNode envelope = TopologyJson.MAPPER.readTree(document);
      byte[] signature = Base64.getDecoder().decode(envelope.get("signature").asText());
      byte[] message = TopologySigner.signedMessage(envelope.get("topology"));
      byte[] operator = SampleTopologies.operatorKey().bytes();
      assertThat(Ed25519.verify(signature, 0, operator, 0, message, 0, message.length))
          .as("accepted without the operator's signature")
          .isTrue();
    }
  }

  @FuzzTest(maxDuration = "60s")
  void verifiesAnySignedBody(byte[] body) {
    JsonNode tree;
    try {
      tree = TopologyJson.MAPPER.readTree(body);
    } catch (IOException e) {
      return; // not JSON: the raw-document target covers this
    }
    if (tree == null || !tree.isObject()) {
      return;
    }
    byte[] signature;
    try {
      signature =
          Ed25519Keys.sign(SampleTopologies.OPERATOR_PRIVATE, TopologySigner.signedMessage(tree));
    } catch (IllegalArgumentException e) {
      // No canonical form (a floating-point number): nothing can sign it, and the verifier must
      // refuse it as a field error before checking any signature.
      ObjectNode envelope = TopologyJson.MAPPER.createObjectNode();
      envelope.set("topology", tree);
      envelope.put("signature", Base64.getEncoder().encodeToString(new byte[64]));
      assertThatExceptionOfType(TopologyException.class)
          .isThrownBy(() -> VERIFIER.verify(write(envelope)))
          .satisfies(x -> assertThat(x.kind()).isEqualTo(Kind.INVALID_FIELD));
      return;
    }
    ObjectNode envelope = TopologyJson.MAPPER.createObjectNode();
    envelope.set("topology", tree);
    envelope.put("signature", Base64.getEncoder().encodeToString(signature));
    byte[] document = write(envelope);
    // Signed by the operator key, so only the body's content may be refused, never the envelope
    // or the signature.
    checkVerdict(document, EnumSet.of(Kind.UNSUPPORTED_VERSION, Kind.INVALID_FIELD));
  }

  /**
   * Verifies {@code document}: a refusal must be a {@link TopologyException}, an accepted topology
   * must survive sign (which validates it again) → verify unchanged. True when accepted.
   */
  private static boolean checkVerdict(byte[] document, Set<Kind> allowedRefusals) {
    Topology topology;
    try {
      topology = VERIFIER.verify(document);
    } catch (TopologyException e) {
      assertThat(e.kind()).isIn(allowedRefusals);
      return false;
    }
    try {
      Topology again = VERIFIER.verify(SIGNER.sign(topology));
      assertThat(again).isEqualTo(topology);
    } catch (TopologyException e) {
      throw new AssertionError("an accepted topology does not survive sign and verify", e);
    }
    return true;
  }

  /** As the signer writes text: through a String, so a lone surrogate becomes '?' as there. */
  private static byte[] write(JsonNode node) {
    try {
      return TopologyJson.MAPPER.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("BUG: a JSON tree could not be written", e);
    }
  }
}
