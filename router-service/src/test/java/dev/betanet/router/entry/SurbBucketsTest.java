package dev.betanet.router.entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.TopologyException;
import dev.betanet.protocol.topology.TopologySigner;
import dev.betanet.protocol.topology.TopologyVerifier;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SURB buckets in the signed topology: what entry routers round their SURB counts up to, and
 * the default a document signed before the field existed is read with.
 */
class SurbBucketsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] DOMAIN = "betanet topology v1\0".getBytes(StandardCharsets.US_ASCII);

  private final byte[] operatorKey = Ed25519Keys.generatePrivate(new SecureRandom());
  private final TopologySigner signer = new TopologySigner(operatorKey);

  private static Topology topology(Topology.Mixing mixing) {
    Key32 key = Key32.of(new byte[32]);
    return new Topology(
        Topology.FORMAT_VERSION,
        "t",
        "ns",
        1,
        Instant.parse("2026-12-01T00:00:00Z"),
        2048,
        mixing,
        List.of(
            new Topology.Layer(
                0,
                List.of(
                    new Topology.MixnodeEntry("m", "127.0.0.1:1", "f", "", key, 1, key, true)))),
        List.of(),
        new Topology.Canary(100, Topology.FallbackPolicy.STRICT));
  }

  @Test
  void roundsUpToTheSmallestBucketThatHoldsTheCountAndCapsAtTheLargest() {
    var mixing = new Topology.Mixing(50, 0);
    assertThat(mixing.surbBuckets()).containsExactly(1, 4, 16, 64);
    assertThat(mixing.surbBucketFor(0)).isEqualTo(1);
    assertThat(mixing.surbBucketFor(1)).isEqualTo(1);
    assertThat(mixing.surbBucketFor(2)).isEqualTo(4);
    assertThat(mixing.surbBucketFor(8)).isEqualTo(16);
    assertThat(mixing.surbBucketFor(37)).isEqualTo(64);
    assertThat(mixing.surbBucketFor(65)).isEqualTo(64);
  }

  @Test
  void theDefaultBucketsAreWrittenAsAbsentAndAbsentReadsAsTheDefault() throws Exception {
    byte[] document = signer.sign(topology(new Topology.Mixing(50, 0)));
    JsonNode mixing = JSON.readTree(document).at("/topology/mixing");
    // The same document an operator from before the field signed, so older nodes read it.
    assertThat(mixing.has("surbBuckets")).isFalse();
    assertThat(mixing.has("surbBucketsInDocument")).isFalse();

    Topology read = new TopologyVerifier(signer.publicKey()).verify(document);

    assertThat(read.mixing().surbBuckets()).isEqualTo(Topology.Mixing.DEFAULT_SURB_BUCKETS);
    assertThat(read.mixing().meanDelayMillis()).isEqualTo(50);
  }

  @Test
  void publishedBucketsAreReadAndBadOnesRefused() throws Exception {
    var custom = new Topology.Mixing(50, 0, List.of(2, 8, 32));
    byte[] document = signer.sign(topology(custom));
    assertThat(JSON.readTree(document).at("/topology/mixing/surbBuckets").toString())
        .isEqualTo("[2,8,32]");
    assertThat(new TopologyVerifier(signer.publicKey()).verify(document).mixing())
        .isEqualTo(custom);

    assertThatThrownBy(() -> new Topology.Mixing(50, 0, List.of(4, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ascend");
    assertThatThrownBy(() -> new Topology.Mixing(50, 0, List.of()))
        .isInstanceOf(IllegalArgumentException.class);

    ObjectNode envelope = (ObjectNode) JSON.readTree(document);
    ObjectNode body = (ObjectNode) envelope.get("topology");
    ((ObjectNode) body.get("mixing")).putArray("surbBuckets").add(16).add(0);
    envelope.put("signature", signature(body));
    assertThatThrownBy(
            () -> new TopologyVerifier(signer.publicKey()).verify(JSON.writeValueAsBytes(envelope)))
        .isInstanceOf(TopologyException.class)
        .hasMessageContaining("surbBuckets");
  }

  /** The operator's signature over {@code body}: domain, then canonical JSON (sorted keys). */
  private String signature(JsonNode body) throws Exception {
    byte[] canonical = JSON.writeValueAsBytes(sorted(body));
    byte[] message = new byte[DOMAIN.length + canonical.length];
    System.arraycopy(DOMAIN, 0, message, 0, DOMAIN.length);
    System.arraycopy(canonical, 0, message, DOMAIN.length, canonical.length);
    return Base64.getEncoder().encodeToString(Ed25519Keys.sign(operatorKey, message));
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      Collections.sort(names);
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      names.forEach(name -> copy.set(name, sorted(node.get(name))));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> copy.add(sorted(element)));
      return copy;
    }
    return node;
  }
}
