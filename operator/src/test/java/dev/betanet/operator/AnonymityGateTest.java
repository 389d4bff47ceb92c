package dev.betanet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.betanet.operator.anonymity.AdaptiveCover;
import dev.betanet.operator.anonymity.EntropyGate;
import dev.betanet.operator.anonymity.LoopixPool;
import dev.betanet.operator.crd.AnonymityStatus;
import dev.betanet.operator.crd.CanaryPhase;
import dev.betanet.operator.crd.CanaryStatus;
import dev.betanet.operator.crd.CoverTrafficMode;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.reconcile.OperatorClock;
import dev.betanet.operator.status.AnonymityReport;
import dev.betanet.protocol.topology.Topology;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The anonymity gate and adaptive cover end to end: the real operator against the in-process
 * Kubernetes API, router and mixnode pods whose management ports are real HTTP servers on loopback.
 * Each mixnode's mean pool follows the cover rate the operator publishes in the topology (the
 * cluster's loop cover crosses every layer: 6 mixnodes and 1 router sending {@code rate} each, over
 * 2 nodes per layer, 50 ms mean delay) on top of its real traffic, and its entropy is what a node
 * with that pool measures ({@link LoopixPool}). The test moves the operator's clock; the operator
 * measures every second ({@code %test.betanet.operator.anonymity.interval=1s}).
 */
@QuarkusTest
@WithRbacApiServer
class AnonymityGateTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration STEP = Duration.ofSeconds(1);

  /** {@code betanet.operator.anonymity.cover-hold}: how long a new cover rate is left alone. */
  private static final Duration HOLD = Duration.ofMinutes(2);

  private static final String NS = "anonymity-gate";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Real packets per second into each node of layers 0, 1, 2: layer 1 is the weakest. */
  private static final double[] REAL_PER_NODE = {60, 20, 40};

  private static final double MEAN_DELAY_SECONDS = 0.05;

  /** Cover packets per second into one node per unit of rate: 7 senders over 2 nodes a layer. */
  private static final double COVER_PER_NODE = 7 / 2.0;

  @ApiAdmin KubernetesClient client;

  MovableClock clock = new MovableClock();
  ClusterObjects objects;
  RouterMetricsEndpoint router;
  List<MixnodeMetricsEndpoint> layers = new ArrayList<>();

  /** The cover rate in the published topology, as the nodes would load it (a watch). */
  final AtomicReference<Double> publishedCoverRate = new AtomicReference<>(0.0);

  Watch topologyWatch;

  @BeforeEach
  void setUp() throws Exception {
    objects = new ClusterObjects(client);
    QuarkusMock.installMockForType(clock, OperatorClock.class);
    router = new RouterMetricsEndpoint();
    for (double real : REAL_PER_NODE) {
      layers.add(
          new MixnodeMetricsEndpoint(
              () -> MEAN_DELAY_SECONDS * (real + COVER_PER_NODE * publishedCoverRate.get())));
    }
    // Followed by a watch, not read per scrape: a page must answer within the scrape timeout.
    topologyWatch =
        client
            .configMaps()
            .inNamespace(NS)
            .withName("demo-topology")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, ConfigMap map) {
                    if (map.getData() != null && map.getData().get("topology.json") != null) {
                      publishedCoverRate.set(coverRate(map.getData().get("topology.json")));
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  @AfterEach
  void tearDown() {
    topologyWatch.close();
    router.close();
    layers.forEach(MixnodeMetricsEndpoint::close);
  }

  private static double coverRate(String signedTopology) {
    try {
      long interval =
          JSON.readTree(signedTopology)
              .path("topology")
              .path("mixing")
              .path("coverMeanIntervalMillis")
              .asLong();
      return interval == 0 ? 0 : 1000.0 / interval;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void lowEntropyHoldsTheCanaryWithoutRollbackAndAdaptiveCoverReleasesIt() {
    MixnetCluster cluster = TestClusters.demo(NS, "demo");
    cluster.getSpec().canary.weight = 50;
    cluster.getSpec().canary.steps = List.of(10, 50);
    cluster.getSpec().canary.stepInterval = "1s";
    cluster.getSpec().canary.analysis.maxErrorRate = 0.05;
    cluster.getSpec().canary.analysis.maxP95Latency = "500ms";
    cluster.getSpec().canary.analysis.minSamples = 50;
    cluster.getSpec().canary.analysis.minEntropyBits = 2.0;
    cluster.getSpec().coverTraffic.rate = 0;
    client.resource(cluster).create();
    objects.routerPod(NS, "demo", "demo-router-0-0", router.port());
    for (int layer = 0; layer < 3; layer++) {
      for (int node = 0; node < 2; node++) {
        objects.mixnodePod(
            NS, "demo", "demo-mix-" + layer + "-" + node + "-0", layers.get(layer).port());
      }
    }
    await()
        .atMost(WAIT)
        .until(() -> objects.statefulSets(NS).stream().filter(this::isMixnode).count() == 6);
    objects.statefulSets(NS).stream().filter(this::isMixnode).forEach(objects::markReady);

    awaitCanary(c -> c.currentWeight == 10 && c.phase == CanaryPhase.PROGRESSING);
    AnonymityStatus measured = awaitAnonymity(a -> a.weakestEntropyBits != null);
    double layer1Bits = LoopixPool.entropyBits(MEAN_DELAY_SECONDS * REAL_PER_NODE[1]);
    assertThat(measured.layers).hasSize(3);
    assertThat(measured.weakestLayer).isEqualTo(1);
    assertThat(measured.weakestEntropyBits).isCloseTo(layer1Bits, within(1e-5));
    assertThat(measured.layers.get(0).entropyBits)
        .isCloseTo(LoopixPool.entropyBits(MEAN_DELAY_SECONDS * REAL_PER_NODE[0]), within(1e-5));
    assertThat(measured.layers.get(1).poolMeanPackets).isCloseTo(1.0, within(1e-5));
    assertThat(measured.layers.get(1).nodesRead).isEqualTo(2);
    assertThat(measured.cover.mode).isEqualTo(CoverTrafficMode.FIXED);

    // Healthy requests, but layer 1 hides a departure among fewer than 2 packets: the step holds.
    router.mixnet(100, 0, 0.08);
    clock.advance(STEP);
    Instant afterTheStep = clock.now();
    CanaryStatus held =
        awaitCanary(
            c ->
                c.lastAnalysis != null
                    && !Instant.parse(c.lastAnalysis.time).isBefore(afterTheStep));
    String figure = String.format(java.util.Locale.ROOT, "%.2f bits", layer1Bits);
    assertThat(held.currentWeight).isEqualTo(10);
    assertThat(held.phase).isEqualTo(CanaryPhase.PROGRESSING);
    assertThat(held.lastAnalysis.reason).isEqualTo(EntropyGate.BELOW);
    assertThat(held.lastAnalysis.mixnet.samples).isEqualTo(100);
    assertThat(held.message)
        .startsWith(
            "held at weight 10 for anonymity: weakest layer 1: departure entropy " + figure);
    Condition anonymityHealthy = objects.condition(NS, "demo", AnonymityReport.ANONYMITY_HEALTHY);
    assertThat(anonymityHealthy.getStatus()).isEqualTo("False");
    assertThat(anonymityHealthy.getReason()).isEqualTo(EntropyGate.BELOW);
    assertThat(anonymityHealthy.getMessage())
        .startsWith("weakest layer 1: departure entropy " + figure + " (mean pool 1.0 packets")
        .endsWith("below the minimum 2.00 bits (spec.canary.analysis.minEntropyBits)");
    assertThat(objects.eventLines(NS))
        .anyMatch(
            e ->
                e.startsWith(
                    "Normal CanaryHeldForAnonymity: canary weight 10 held (no rollback): weakest"
                        + " layer 1: departure entropy "
                        + figure));
    assertThat(objects.topology(NS, "demo").mixing().coverMeanIntervalMillis()).isZero();

    // Time and healthy requests alone change nothing: no rollback, one event for the hold.
    router.mixnet(200, 0, 0.08);
    clock.advance(Duration.ofMinutes(10));
    Instant tenMinutesOn = clock.now();
    await()
        .during(Duration.ofSeconds(3))
        .atMost(WAIT)
        .until(
            () -> objects.canary(NS, "demo"),
            c -> c.phase == CanaryPhase.PROGRESSING && c.currentWeight == 10);
    assertThat(Instant.parse(objects.canary(NS, "demo").lastAnalysis.time))
        .isAfterOrEqualTo(tenMinutesOn);
    assertThat(objects.events(NS))
        .containsOnlyOnce("CanaryHeldForAnonymity")
        .doesNotContain("CanaryRolledBack", "CanaryStepAdvanced");

    // Adaptive cover: the operator raises the published rate until layer 1 reaches the minimum.
    edit(
        c -> {
          c.getSpec().coverTraffic.mode = CoverTrafficMode.ADAPTIVE;
          c.getSpec().coverTraffic.targetEntropyBits = 2.5;
          c.getSpec().coverTraffic.maxRate = 40;
        });
    List<Integer> rates = new ArrayList<>();
    for (int round = 0; round < 15 && objects.canary(NS, "demo").currentWeight < 50; round++) {
      Instant at = clock.now();
      AnonymityStatus now =
          awaitAnonymity(
              a ->
                  a.cover.mode == CoverTrafficMode.ADAPTIVE
                      && !Instant.parse(a.measuredAt).isBefore(at)
                      && a.cover.reason != null
                      && !a.cover.reason.equals(AdaptiveCover.NOT_MEASURED));
      rates.add(now.cover.ratePerSecond);
      router.mixnet(60, 0, 0.08);
      clock.advance(HOLD);
    }
    CanaryStatus released = awaitCanary(c -> c.currentWeight == 50);
    assertThat(released.lastAnalysis.reason).isNotEqualTo(EntropyGate.BELOW);
    AnonymityStatus after = awaitAnonymity(a -> a.weakestEntropyBits != null);
    assertThat(after.weakestEntropyBits).isGreaterThanOrEqualTo(2.0);
    assertThat(after.cover.ratePerSecond).isPositive().isLessThanOrEqualTo(40);
    assertThat(rates).as("the rate only rose on the way: %s", rates).isSorted();
    assertThat(rates.getFirst()).as("an eighth of the cap first").isEqualTo(5);
    Topology published = objects.topology(NS, "demo");
    assertThat(published.mixing().coverMeanIntervalMillis())
        .isEqualTo(1000L / after.cover.ratePerSecond);
    assertThat(objects.condition(NS, "demo", AnonymityReport.ANONYMITY_HEALTHY).getStatus())
        .isEqualTo("True");
    assertThat(objects.eventLines(NS))
        .contains(
            "Normal CoverRateRaised: layer 1 at "
                + figure
                + ", target 2.50: cover 0 → 5 packets/s per node");
    assertThat(objects.events(NS)).doesNotContain("CanaryRolledBack");
  }

  private boolean isMixnode(io.fabric8.kubernetes.api.model.apps.StatefulSet set) {
    return set.getMetadata().getName().startsWith("demo-mix-");
  }

  private void edit(Consumer<MixnetCluster> change) {
    client
        .resources(MixnetCluster.class)
        .inNamespace(NS)
        .withName("demo")
        .edit(
            c -> {
              change.accept(c);
              return c;
            });
  }

  private CanaryStatus awaitCanary(Predicate<CanaryStatus> condition) {
    return await()
        .atMost(WAIT)
        .until(() -> objects.canary(NS, "demo"), c -> c != null && condition.test(c));
  }

  private AnonymityStatus awaitAnonymity(Predicate<AnonymityStatus> condition) {
    return await()
        .atMost(WAIT)
        .until(
            () -> {
              MixnetCluster c = objects.cluster(NS, "demo");
              return c == null || c.getStatus() == null ? null : c.getStatus().anonymity;
            },
            a -> a != null && condition.test(a));
  }
}
