package dev.betanet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.betanet.operator.crd.CanaryPhase;
import dev.betanet.operator.crd.CanaryStatus;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.reconcile.OperatorClock;
import dev.betanet.operator.status.CanaryReport;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The canary progression end to end: the real operator against the in-process Kubernetes API, with
 * router pods whose management ports are real HTTP servers on loopback serving Prometheus text. The
 * test moves the routers' counters and the operator's clock; the operator judges every second
 * ({@code %test.betanet.operator.canary.analysis-interval=1s}). Steps last 1s of operator time, so
 * a step ends only when the test moves the clock: nothing depends on how fast this machine is.
 *
 * <p>Every scenario runs once per analysis provider ({@link AnalysisSource}): the operator scraping
 * the routers itself, and the operator asking a real Prometheus server that scrapes them. The same
 * counts must lead to the same verdicts, numbers and events.
 */
@QuarkusTest
@WithRbacApiServer
class CanaryRolloutTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration STEP = Duration.ofSeconds(1);
  private static final String ROUTER = "demo-router-0-0";

  @ApiAdmin KubernetesClient client;

  MovableClock clock = new MovableClock();
  ClusterObjects objects;
  RouterMetricsEndpoint router;
  AnalysisSource source;

  @BeforeEach
  void setUp() throws Exception {
    objects = new ClusterObjects(client);
    QuarkusMock.installMockForType(clock, OperatorClock.class);
    router = new RouterMetricsEndpoint();
  }

  @AfterEach
  void tearDown() {
    router.close();
    if (source != null) {
      source.close();
    }
  }

  @ParameterizedTest
  @EnumSource(AnalysisSource.Kind.class)
  void healthyStepsWalkTheWeightUpAndEndPromoted(AnalysisSource.Kind provider) throws Exception {
    String ns = "canary-walk-" + suffix(provider);
    source = new AnalysisSource(provider, clock);
    create(ns, 100, 10, 25, 50, 100);
    router.fallback(400);

    awaitCanary(ns, c -> c.currentWeight == 10 && c.phase == CanaryPhase.PROGRESSING);
    assertThat(objects.awaitTopology(ns, "demo", 1).canary().weight()).isEqualTo(10);
    Map<String, String> untouched = objects.resourceVersions(ns);

    for (int next : new int[] {25, 50, 100}) {
      router.mixnet(120, 1, 0.08);
      source.advance(STEP);
      CanaryStatus canary = awaitCanary(ns, c -> c.currentWeight == next);
      assertThat(canary.phase).isEqualTo(CanaryPhase.PROGRESSING);
      assertThat(awaitTopologyWeight(ns, next)).isEqualTo(next);
    }
    CanaryStatus atTop = objects.canary(ns, "demo");
    assertThat(atTop.currentStep).isEqualTo(4);
    assertThat(atTop.totalSteps).isEqualTo(4);
    assertThat(atTop.lastGoodWeight).isEqualTo(50);

    router.mixnet(120, 1, 0.08);
    router.fallback(40);
    source.advance(STEP);
    CanaryStatus done = awaitCanary(ns, c -> c.phase == CanaryPhase.PROMOTED);
    assertThat(done.currentWeight).isEqualTo(100);
    assertThat(done.desiredWeight).isEqualTo(100);
    assertThat(done.lastAnalysis.reason).isEqualTo("Healthy");
    assertThat(done.lastAnalysis.weight).isEqualTo(100);
    assertThat(done.lastAnalysis.mixnet.samples).isEqualTo(121);
    assertThat(done.lastAnalysis.mixnet.errors).isEqualTo(1);
    assertThat(done.lastAnalysis.mixnet.p95Seconds).isBetween(0.05, 0.1);
    assertThat(done.lastAnalysis.provider).isEqualTo(provider.name().toLowerCase(Locale.ROOT));
    assertThat(done.lastAnalysis.fallback.samples)
        .as("the fallback's requests of the same window, beside the mixnet's")
        .isEqualTo(40);
    assertThat(done.lastAnalysis.fallback.errors).isZero();
    assertThat(done.lastAnalysis.routersAnswered).isEqualTo(1);
    assertThat(condition(ns, CanaryReport.CANARY_HEALTHY))
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"))
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("Healthy"));
    assertThat(condition(ns, CanaryReport.CANARY_PROGRESSING))
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("False"))
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("Promoted"));
    assertThat(objects.cluster(ns, "demo").getStatus().canaryWeight).isEqualTo(100);

    assertThat(objects.events(ns))
        .containsOnlyOnce("CanaryStepStarted", "CanaryPromoted")
        .filteredOn("CanaryStepAdvanced"::equals)
        .hasSize(3);
    assertThat(objects.eventLines(ns))
        .contains(
            "Normal CanaryStepStarted: canary weight 0 → 10 (step 1 of 4);"
                + " next step after 1s of healthy metrics")
        .anyMatch(
            e ->
                e.startsWith(
                    "Normal CanaryStepAdvanced: canary weight 25 → 50 (step 3 of 4)"
                        + ": mixnet error rate 0.83%"));
    assertThat(objects.resourceVersions(ns))
        .as("weight changes touch only the topology ConfigMap: no pod restarts")
        .isEqualTo(untouched);
  }

  @ParameterizedTest
  @EnumSource(AnalysisSource.Kind.class)
  void aStepThatBreachesTheErrorRateRollsBackAndStaysRolledBack(AnalysisSource.Kind provider)
      throws Exception {
    String ns = "canary-rollback-" + suffix(provider);
    source = new AnalysisSource(provider, clock);
    create(ns, 100, 10, 25, 50, 100);
    awaitCanary(ns, c -> c.currentWeight == 10);
    router.mixnet(100, 0, 0.08);
    source.advance(STEP);
    awaitCanary(ns, c -> c.currentWeight == 25);

    // 20% of mixnet requests fail at 25: no need to wait for the step's end.
    router.mixnet(80, 20, 0.08);
    source.catchUp();
    CanaryStatus rolledBack = awaitCanary(ns, c -> c.phase == CanaryPhase.ROLLED_BACK);
    assertThat(rolledBack.currentWeight).isEqualTo(10);
    assertThat(rolledBack.lastAnalysis.reason).isEqualTo("ErrorRateExceeded");
    assertThat(rolledBack.lastAnalysis.weight).isEqualTo(25);
    assertThat(rolledBack.lastAnalysis.mixnet.errorRate).isEqualTo(0.2);
    assertThat(awaitTopologyWeight(ns, 10)).isEqualTo(10);
    assertThat(objects.eventLines(ns))
        .contains(
            "Warning CanaryRolledBack: canary weight 25 → 10: mixnet error rate 20.00%"
                + " (20 failed of 100) above 5.00%; no further step until the spec changes");
    assertThat(condition(ns, CanaryReport.CANARY_HEALTHY))
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("False"))
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("ErrorRateExceeded"));
    assertThat(condition(ns, CanaryReport.CANARY_PROGRESSING).getReason()).isEqualTo("RolledBack");

    // Healthy traffic and time do not restart the walk on their own.
    router.mixnet(1000, 0, 0.08);
    source.advance(STEP.multipliedBy(5));
    long measured = source.measurements();
    await()
        .during(Duration.ofSeconds(4))
        .atMost(WAIT)
        .until(
            () -> objects.canary(ns, "demo"),
            c -> c.phase == CanaryPhase.ROLLED_BACK && c.currentWeight == 10);
    assertThat(source.measurements()).as("nothing is judged while rolled back").isEqualTo(measured);
    assertThat(objects.topology(ns, "demo").canary().weight()).isEqualTo(10);

    // A new spec (the operator raised the limit) starts a new walk from the last good weight.
    edit(ns, c -> c.getSpec().canary.analysis.maxErrorRate = 0.3);
    CanaryStatus again = awaitCanary(ns, c -> c.phase == CanaryPhase.PROGRESSING);
    assertThat(again.currentWeight).isEqualTo(25);
    assertThat(again.lastGoodWeight).isEqualTo(10);
  }

  @ParameterizedTest
  @EnumSource(AnalysisSource.Kind.class)
  void withoutAutoRollbackABreachHoldsTheStepAndWarnsOnce(AnalysisSource.Kind provider)
      throws Exception {
    String ns = "canary-hold-" + suffix(provider);
    source = new AnalysisSource(provider, clock);
    MixnetCluster cluster = cluster(ns, 50, 10, 50);
    cluster.getSpec().canary.autoRollback = false;
    source.router(ns, ROUTER, router.port(), router);
    source.begin();
    client.resource(cluster).create();
    objects.routerPod(ns, "demo", ROUTER, router.port());
    awaitCanary(ns, c -> c.currentWeight == 10);

    router.mixnet(80, 20, 0.08);
    source.advance(STEP);
    CanaryStatus held =
        awaitCanary(
            ns, c -> c.lastAnalysis != null && "ErrorRateExceeded".equals(c.lastAnalysis.reason));
    assertThat(held.phase).isEqualTo(CanaryPhase.PROGRESSING);
    assertThat(held.currentWeight).isEqualTo(10);
    assertThat(held.message).startsWith("held at weight 10 (autoRollback is off)");
    assertThat(condition(ns, CanaryReport.CANARY_HEALTHY).getStatus()).isEqualTo("False");
    long measured = source.measurements();
    await().atMost(WAIT).until(() -> source.measurements() >= measured + 3);
    assertThat(objects.canary(ns, "demo").currentWeight).isEqualTo(10);
    assertThat(objects.events(ns)).containsOnlyOnce("CanaryAnalysisFailed");

    // Pausing and resuming observes the step afresh: healthy from then on, it advances.
    edit(ns, c -> c.getSpec().canary.paused = true);
    awaitCanary(ns, c -> c.phase == CanaryPhase.PAUSED);
    edit(ns, c -> c.getSpec().canary.paused = false);
    awaitCanary(ns, c -> c.phase == CanaryPhase.PROGRESSING);
    router.mixnet(100, 0, 0.08);
    source.advance(STEP);
    awaitCanary(ns, c -> c.currentWeight == 50);
  }

  @ParameterizedTest
  @EnumSource(AnalysisSource.Kind.class)
  void tooFewSamplesHoldTheStepUntilThereAreEnough(AnalysisSource.Kind provider) throws Exception {
    String ns = "canary-samples-" + suffix(provider);
    source = new AnalysisSource(provider, clock);
    create(ns, 50, 10, 50);
    awaitCanary(ns, c -> c.currentWeight == 10);

    router.mixnet(20, 0, 0.08);
    source.advance(STEP.multipliedBy(5));
    Instant afterTheStep = clock.now();
    CanaryStatus held =
        awaitCanary(
            ns,
            c ->
                c.lastAnalysis != null
                    && !Instant.parse(c.lastAnalysis.time).isBefore(afterTheStep));
    assertThat(held.currentWeight).isEqualTo(10);
    assertThat(held.phase).isEqualTo(CanaryPhase.PROGRESSING);
    assertThat(held.lastAnalysis.reason).isEqualTo("InsufficientSamples");
    assertThat(held.lastAnalysis.message)
        .isEqualTo("20 of 50 mixnet requests needed for this step");
    assertThat(condition(ns, CanaryReport.CANARY_HEALTHY).getStatus()).isEqualTo("Unknown");
    assertThat(condition(ns, CanaryReport.CANARY_PROGRESSING))
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"))
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("StepInProgress"));
    assertThat(objects.topology(ns, "demo").canary().weight()).isEqualTo(10);

    router.mixnet(30, 0, 0.08);
    source.catchUp();
    awaitCanary(ns, c -> c.currentWeight == 50);
  }

  @ParameterizedTest
  @EnumSource(AnalysisSource.Kind.class)
  void pauseHoldsTheWeightAndResumingWalksOn(AnalysisSource.Kind provider) throws Exception {
    String ns = "canary-pause-" + suffix(provider);
    source = new AnalysisSource(provider, clock);
    create(ns, 50, 10, 50);
    awaitCanary(ns, c -> c.currentWeight == 10);

    edit(ns, c -> c.getSpec().canary.paused = true);
    awaitCanary(ns, c -> c.phase == CanaryPhase.PAUSED);
    router.mixnet(500, 0, 0.08);
    source.advance(STEP.multipliedBy(5));
    await()
        .during(Duration.ofSeconds(4))
        .atMost(WAIT)
        .until(
            () -> objects.canary(ns, "demo"),
            c -> c.phase == CanaryPhase.PAUSED && c.currentWeight == 10);
    assertThat(condition(ns, CanaryReport.CANARY_PROGRESSING).getReason()).isEqualTo("Paused");
    assertThat(objects.events(ns)).contains("CanaryPaused");

    edit(ns, c -> c.getSpec().canary.paused = false);
    CanaryStatus resumed = awaitCanary(ns, c -> c.phase == CanaryPhase.PROGRESSING);
    assertThat(resumed.currentWeight).isEqualTo(10);
    assertThat(resumed.stepStartedAt).isEqualTo(clock.now().toString());
    router.mixnet(100, 0, 0.08);
    source.advance(STEP);
    awaitCanary(ns, c -> c.currentWeight == 50);
  }

  @ParameterizedTest
  @EnumSource(AnalysisSource.Kind.class)
  void aRouterThatDoesNotAnswerHoldsTheStepAndIsReported(AnalysisSource.Kind provider)
      throws Exception {
    String ns = "canary-unreachable-" + suffix(provider);
    source = new AnalysisSource(provider, clock);
    MixnetCluster cluster = cluster(ns, 50, 10, 50);
    cluster.getSpec().routers.replicas = 2;
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    source.router(ns, ROUTER, router.port(), router);
    source.router(ns, "demo-router-1-0", closedPort, null);
    source.begin();
    client.resource(cluster).create();
    objects.routerPod(ns, "demo", ROUTER, router.port());
    objects.routerPod(ns, "demo", "demo-router-1-0", closedPort);
    awaitCanary(ns, c -> c.currentWeight == 10);

    router.mixnet(200, 0, 0.08);
    source.advance(STEP);
    Instant afterTheStep = clock.now();
    CanaryStatus held =
        awaitCanary(
            ns,
            c ->
                c.lastAnalysis != null
                    && !Instant.parse(c.lastAnalysis.time).isBefore(afterTheStep));
    assertThat(held.currentWeight).isEqualTo(10);
    assertThat(held.lastAnalysis.reason).isEqualTo("RouterUnreachable");
    assertThat(held.lastAnalysis.routersAnswered).isEqualTo(1);
    assertThat(held.lastAnalysis.routersTotal).isEqualTo(2);
    assertThat(held.lastAnalysis.unreachable)
        .singleElement()
        .asString()
        .startsWith(
            provider == AnalysisSource.Kind.DIRECT
                ? "demo-router-1-0: ConnectException"
                : "demo-router-1-0: Prometheus's last scrape failed");
    assertThat(held.lastAnalysis.mixnet.samples).isEqualTo(200);
    assertThat(condition(ns, CanaryReport.CANARY_HEALTHY).getStatus()).isEqualTo("Unknown");
    assertThat(objects.topology(ns, "demo").canary().weight()).isEqualTo(10);

    try (RouterMetricsEndpoint second = new RouterMetricsEndpoint()) {
      objects.moveManagementPort(ns, "demo-router-1-0", second.port());
      source.router(ns, "demo-router-1-0", second.port(), null);
      source.catchUp();
      CanaryStatus advanced = awaitCanary(ns, c -> c.currentWeight == 50);
      assertThat(advanced.phase).isEqualTo(CanaryPhase.PROGRESSING);
    }
  }

  private void create(String ns, int weight, Integer... steps) throws IOException {
    source.router(ns, ROUTER, router.port(), router);
    source.begin();
    client.resource(cluster(ns, weight, steps)).create();
    objects.routerPod(ns, "demo", ROUTER, router.port());
  }

  private static String suffix(AnalysisSource.Kind provider) {
    return provider.name().toLowerCase(Locale.ROOT);
  }

  private MixnetCluster cluster(String ns, int weight, Integer... steps) {
    MixnetCluster cluster = TestClusters.demo(ns, "demo");
    source.configure(cluster);
    cluster.getSpec().canary.weight = weight;
    cluster.getSpec().canary.steps = List.of(steps);
    cluster.getSpec().canary.stepInterval = "1s";
    cluster.getSpec().canary.analysis.maxErrorRate = 0.05;
    cluster.getSpec().canary.analysis.maxP95Latency = "500ms";
    cluster.getSpec().canary.analysis.minSamples = 50;
    return cluster;
  }

  private void edit(String ns, Consumer<MixnetCluster> change) {
    client
        .resources(MixnetCluster.class)
        .inNamespace(ns)
        .withName("demo")
        .edit(
            c -> {
              change.accept(c);
              return c;
            });
  }

  private CanaryStatus awaitCanary(String ns, Predicate<CanaryStatus> condition) {
    try {
      return await()
          .atMost(WAIT)
          .until(() -> objects.canary(ns, "demo"), c -> c != null && condition.test(c));
    } catch (ConditionTimeoutException e) {
      CanaryStatus last = objects.canary(ns, "demo");
      throw new AssertionError(
          "canary status never matched; last: "
              + (last == null
                  ? "none"
                  : "weight "
                      + last.currentWeight
                      + " "
                      + last.phase
                      + ", "
                      + last.message
                      + (last.lastAnalysis == null
                          ? ""
                          : "; analysis "
                              + last.lastAnalysis.reason
                              + ": "
                              + last.lastAnalysis.message
                              + " "
                              + last.lastAnalysis.unreachable)),
          e);
    }
  }

  private int awaitTopologyWeight(String ns, int weight) {
    return await()
        .atMost(WAIT)
        .until(
            () -> objects.topology(ns, "demo").canary().weight(), published -> published == weight);
  }

  private Condition condition(String ns, String type) {
    return objects.condition(ns, "demo", type);
  }
}
