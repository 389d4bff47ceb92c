package dev.betanet.protocol.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.betanet.protocol.topology.TopologyException.Kind;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * {@code mixing.sendRatePerSecond}: optional like {@code surbBuckets}, so a document with the
 * default is the document nodes from before the field read; bounded, and refused by name when not.
 */
class SendRateFieldTest {

  private final TopologySigner signer = new TopologySigner(SampleTopologies.OPERATOR_PRIVATE);
  private final TopologyVerifier verifier = new TopologyVerifier(SampleTopologies.operatorKey());

  @Test
  void theDefaultRateIsWrittenAsAbsentAndAbsentReadsAsTheDefault() throws Exception {
    Topology topology = SampleTopologies.threeLayers(7, 30);
    byte[] document = signer.sign(topology);
    JsonNode mixing = TopologyJson.MAPPER.readTree(document).at("/topology/mixing");

    assertThat(mixing.has("sendRatePerSecond")).isFalse();
    assertThat(mixing.has("sendRateInDocument")).isFalse();
    assertThat(verifier.verify(document).mixing().sendRatePerSecond())
        .isEqualTo(Topology.Mixing.DEFAULT_SEND_RATE_PER_SECOND);
  }

  @Test
  void aPublishedRateIsReadBackIncludingZero() throws Exception {
    for (long rate : new long[] {0, 1, 250, Topology.Mixing.MAX_SEND_RATE_PER_SECOND}) {
      Topology topology = withRate(SampleTopologies.threeLayers(7, 30), rate);
      byte[] document = signer.sign(topology);

      assertThat(TopologyJson.MAPPER.readTree(document).at("/topology/mixing/sendRatePerSecond"))
          .hasToString(Long.toString(rate));
      assertThat(verifier.verify(document)).isEqualTo(topology);
    }
  }

  @Test
  void aRateOutOfBoundsOrNotAnIntegerIsRefusedByName() throws Exception {
    assertThatThrownBy(() -> new Topology.Mixing(50, 0).withSendRatePerSecond(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sendRatePerSecond must be within 0..10000, got -1");

    JsonNode tooHigh = TopologyJson.MAPPER.valueToTree(SampleTopologies.threeLayers(7, 30));
    ((ObjectNode) tooHigh.get("mixing")).put("sendRatePerSecond", 10_001);
    assertThatThrownBy(() -> verifier.verify(signedRaw(tooHigh)))
        .isInstanceOfSatisfying(
            TopologyException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_FIELD))
        .hasMessageContaining("sendRatePerSecond");

    JsonNode text = TopologyJson.MAPPER.valueToTree(SampleTopologies.threeLayers(7, 30));
    ((ObjectNode) text.get("mixing")).put("sendRatePerSecond", "fast");
    assertThatThrownBy(() -> verifier.verify(signedRaw(text)))
        .isInstanceOfSatisfying(
            TopologyException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_FIELD))
        .hasMessageContaining("mixing.sendRatePerSecond must be an integer");
  }

  private static Topology withRate(Topology t, long rate) {
    return new Topology(
        t.version(),
        t.cluster(),
        t.namespace(),
        t.epoch(),
        t.issuedAt(),
        t.packetSize(),
        t.mixing().withSendRatePerSecond(rate),
        t.layers(),
        t.routers(),
        t.canary());
  }

  private static byte[] signedRaw(JsonNode body) throws Exception {
    byte[] signature =
        Ed25519Keys.sign(SampleTopologies.OPERATOR_PRIVATE, TopologySigner.signedMessage(body));
    ObjectNode envelope = TopologyJson.MAPPER.createObjectNode();
    envelope.set("topology", body);
    envelope.put("signature", Base64.getEncoder().encodeToString(signature));
    return TopologyJson.MAPPER.writeValueAsBytes(envelope);
  }
}
