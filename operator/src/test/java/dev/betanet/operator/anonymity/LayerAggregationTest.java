package dev.betanet.operator.anonymity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.betanet.operator.anonymity.AnonymityScraper.NodeResult;
import dev.betanet.operator.anonymity.AnonymityScraper.Readings;
import dev.betanet.operator.crd.AnonymityStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayerAggregationTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final Instant EARLIER = Instant.parse("2026-12-01T11:50:00Z");

  @Test
  void aLayersEntropyIsItsNodesWeightedByTheirShareOfDepartures() {
    // Same mean delay everywhere: a node's departures are proportional to its mean pool.
    Readings readings =
        readings(
            List.of(node("a", 1.0, 1.0), node("b", 3.0, 3.0)),
            List.of(node("c", 2.0, 4.0), node("d", 2.0, 4.0)));

    AnonymityStatus status = LayerAggregation.aggregate(readings, null, null, 2.0, NOW).status();

    assertThat(status.layers).hasSize(2);
    assertThat(status.layers.get(0).entropyBits).isCloseTo((1 * 1 + 3 * 3) / 4.0, within(1e-12));
    assertThat(status.layers.get(0).poolMeanPackets).isCloseTo(2.0, within(1e-12));
    assertThat(status.layers.get(0).nodesRead).isEqualTo(2);
    assertThat(status.layers.get(1).entropyBits).isCloseTo(2.0, within(1e-12));
    assertThat(status.weakestLayer).isEqualTo(1);
    assertThat(status.weakestEntropyBits).isCloseTo(2.0, within(1e-12));
    assertThat(status.atMinimumSince).as("at the minimum exactly").isEqualTo(NOW.toString());
    assertThat(status.layers.get(0).coverShare).as("no reading before: unknown").isNull();
  }

  @Test
  void anIdleNodeDoesNotPullItsLayerDownAndAnIdleLayerReportsZero() {
    Readings readings =
        readings(
            List.of(node("a", 3.0, 9.0), node("idle", 0.0, 0.0)),
            List.of(node("c", 0.0, 0.0), node("d", 0.0, 0.0)));

    AnonymityStatus status = LayerAggregation.aggregate(readings, null, null, 2.0, NOW).status();

    assertThat(status.layers.get(0).entropyBits).isEqualTo(3.0);
    assertThat(status.layers.get(1).entropyBits).isZero();
    assertThat(status.weakestLayer).isEqualTo(1);
    assertThat(status.atMinimumSince).isNull();
  }

  @Test
  void aReadyNodeNotReadLeavesItsLayerAndTheWeakestUnknown() {
    Readings readings =
        readings(
            List.of(node("a", 3.0, 9.0)),
            List.of(
                node("b", 5.0, 30.0),
                new NodeResult<>("demo-mix-1-1-0", null, "ConnectException: Connection refused")));

    AnonymityStatus status =
        LayerAggregation.aggregate(readings, null, EARLIER.toString(), 2.0, NOW).status();

    assertThat(status.layers.get(1).entropyBits)
        .as("the node not read could be the weak one")
        .isNull();
    assertThat(status.layers.get(1).nodesRead).isEqualTo(1);
    assertThat(status.layers.get(1).nodesReady).isEqualTo(2);
    assertThat(status.layers.get(1).unreadable).containsExactly("demo-mix-1-1-0: ConnectException");
    assertThat(status.weakestLayer).isNull();
    assertThat(status.weakestEntropyBits).isNull();
    assertThat(status.atMinimumSince).as("not known to be at the minimum").isNull();
    assertThat(EntropyGate.unmeasured(status))
        .isEqualTo(
            "layer 1 not measured: 1 of 2 ready mixnodes unread (demo-mix-1-1-0:"
                + " ConnectException)");
  }

  @Test
  void aLayerWithoutReadyNodesIsUnknown() {
    AnonymityStatus status =
        LayerAggregation.aggregate(
                readings(List.of(node("a", 3.0, 9.0)), List.of()), null, null, 2.0, NOW)
            .status();

    assertThat(status.layers.get(1).entropyBits).isNull();
    assertThat(status.weakestEntropyBits).isNull();
    assertThat(EntropyGate.unmeasured(status)).isEqualTo("layer 1 has no ready mixnode to measure");
  }

  @Test
  void atMinimumSinceIsKeptWhileAtTheMinimumAndClearedBelowIt() {
    Readings high = readings(List.of(node("a", 3.0, 9.0)));
    Readings low = readings(List.of(node("a", 1.5, 2.0)));

    assertThat(
            LayerAggregation.aggregate(high, null, EARLIER.toString(), 2.0, NOW)
                .status()
                .atMinimumSince)
        .isEqualTo(EARLIER.toString());
    assertThat(
            LayerAggregation.aggregate(low, null, EARLIER.toString(), 2.0, NOW)
                .status()
                .atMinimumSince)
        .isNull();
  }

  @Test
  void theCoverShareIsTheClustersCoverOverTheLayersForwardedSinceTheLastReading() {
    Readings first =
        new Readings(
            List.of(
                List.of(node("a", 3.0, 9.0, 1000, 50), node("b", 3.0, 9.0, 1000, 50)),
                List.of(node("c", 3.0, 9.0, 3000, 50))),
            List.of(new NodeResult<>("router", 100.0, null)));
    LayerAggregation.Counters counters =
        LayerAggregation.aggregate(first, null, null, 2.0, EARLIER).counters();

    // 40 + 40 + 40 cover from the mixnodes, 80 from the router: 200 cover packets crossed each
    // layer. Layer 0 forwarded 400 + 400, layer 1 restarted (its counter is now 150: all new).
    Readings second =
        new Readings(
            List.of(
                List.of(node("a", 3.0, 9.0, 1400, 90), node("b", 3.0, 9.0, 1400, 90)),
                List.of(node("c", 3.0, 9.0, 150, 40))),
            List.of(new NodeResult<>("router", 180.0, null)));
    AnonymityStatus status = LayerAggregation.aggregate(second, counters, null, 2.0, NOW).status();

    // Layer 1's node restarted: its cover counter went from 50 to 40, so 40 are new.
    double cover = 40 + 40 + 40 + 80;
    // Layer 0 relayed what it forwarded less the cover its own nodes made and sent: 800 − 80.
    assertThat(status.layers.get(0).coverShare).isCloseTo(cover / 720, within(1e-12));
    assertThat(status.layers.get(1).coverShare)
        .as("more cover than packets forwarded (lost or in flight) reads as all cover")
        .isEqualTo(1.0);

    Readings routerDown =
        new Readings(second.layers(), List.of(new NodeResult<>("router", null, "HTTP 503")));
    assertThat(
            LayerAggregation.aggregate(routerDown, counters, null, 2.0, NOW)
                .status()
                .layers
                .get(0)
                .coverShare)
        .as("a router's cover unknown: the share is unknown, not smaller")
        .isNull();
  }

  @Test
  void increaseTreatsACounterThatWentDownAsARestartAndANewPodAsUnknown() {
    assertThat(LayerAggregation.increase(Map.of("a", 10.0), Map.of("a", 15.0))).isEqualTo(5.0);
    assertThat(LayerAggregation.increase(Map.of("a", 10.0), Map.of("a", 3.0))).isEqualTo(3.0);
    assertThat(LayerAggregation.increase(Map.of("a", 10.0), Map.of("a", 12.0, "b", 1.0))).isNull();
  }

  @SafeVarargs
  private static Readings readings(List<NodeResult<MixnodeReading>>... layers) {
    return new Readings(List.of(layers), List.of());
  }

  private static NodeResult<MixnodeReading> node(String pod, double bits, double pool) {
    return node(pod, bits, pool, 0, 0);
  }

  private static NodeResult<MixnodeReading> node(
      String pod, double bits, double pool, double forwarded, double cover) {
    return new NodeResult<>(pod, new MixnodeReading(bits, pool, forwarded, cover), null);
  }
}
