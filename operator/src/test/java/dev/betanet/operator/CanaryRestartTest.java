package dev.betanet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.canary.CanaryController;
import dev.betanet.operator.canary.CanaryController.Notice;
import dev.betanet.operator.canary.DirectMetrics;
import dev.betanet.operator.canary.PrometheusMetrics;
import dev.betanet.operator.canary.PrometheusToken;
import dev.betanet.operator.canary.RouterScraper;
import dev.betanet.operator.crd.CanaryPhase;
import dev.betanet.operator.crd.CanaryStatus;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.MixnetClusterStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An operator that restarts in the middle of a canary neither restarts nor skips the step it was
 * in: each phase (progressing, holding a breach, rolled back, promoted) is left by one operator and
 * taken up by a brand-new one — a new {@link CanaryController} with new scrapers, sharing nothing
 * with the first but the in-process API server (Fabric8 mock, CRUD) and the router's metrics
 * endpoint (a real HTTP server on loopback). The test writes status as the reconciler does.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class CanaryRestartTest {

  private static final String NS = "restart";
  private static final String ROUTER = "demo-router-0-0";
  private static final Duration STEP = Duration.ofMinutes(1);

  static KubernetesClient client;

  private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private RouterMetricsEndpoint router;

  @BeforeEach
  void setUp() throws Exception {
    router = new RouterMetricsEndpoint();
  }

  @AfterEach
  void tearDown() {
    router.close();
    client.resources(MixnetCluster.class).inNamespace(NS).delete();
    client.pods().inNamespace(NS).delete();
  }

  @Test
  void aRestartMidStepKeepsTheStepItsWindowAndWhatTheRoutersCounted() {
    create(50, true, 10, 50);
    CanaryController.Outcome started = newOperator().reconcileAt(t0);
    assertThat(started.weight()).isEqualTo(10);

    router.mixnet(30, 0, 0.08);
    CanaryStatus before = newOperator().reconcileAt(t0.plusSeconds(20)).status();
    assertThat(before.lastAnalysis.reason).isEqualTo("InsufficientSamples");

    // A new operator, 40s into the step: the window is the first one's, the 30 requests count.
    router.mixnet(30, 0, 0.08);
    CanaryController.Outcome resumed = newOperator().reconcileAt(t0.plusSeconds(40));
    assertThat(resumed.weight()).as("not skipped: the step has not lasted 1m").isEqualTo(10);
    assertThat(resumed.notices()).isEmpty();
    CanaryStatus during = resumed.status();
    assertThat(during.phase).isEqualTo(CanaryPhase.PROGRESSING);
    assertThat(during.stepStartedAt).isEqualTo(t0.toString());
    assertThat(during.window.startedAt).as("not restarted").isEqualTo(t0.toString());
    assertThat(during.lastAnalysis.windowStartedAt).isEqualTo(t0.toString());
    assertThat(during.lastAnalysis.mixnet.samples).as("counted before and after").isEqualTo(60);
    assertThat(during.lastAnalysis.reason).isEqualTo("Healthy");

    // Yet another operator at the step's end: it advances on the window the first one opened.
    CanaryController.Outcome advanced = newOperator().reconcileAt(t0.plus(STEP));
    assertThat(advanced.weight()).isEqualTo(50);
    assertThat(advanced.notices()).extracting(Notice::reason).containsExactly("CanaryStepAdvanced");
    assertThat(advanced.status().window.startedAt).isEqualTo(t0.plus(STEP).toString());
  }

  @Test
  void aRestartWhileABreachIsHeldKeepsHoldingWithoutWarningAgain() {
    create(50, false, 10, 50);
    newOperator().reconcileAt(t0);
    router.mixnet(80, 20, 0.08);
    CanaryController.Outcome held = newOperator().reconcileAt(t0.plusSeconds(10));
    assertThat(held.notices()).extracting(Notice::reason).containsExactly("CanaryAnalysisFailed");

    router.mixnet(100, 0, 0.08);
    CanaryController.Outcome after = newOperator().reconcileAt(t0.plus(STEP.multipliedBy(2)));
    assertThat(after.weight()).isEqualTo(10);
    assertThat(after.status().phase).isEqualTo(CanaryPhase.PROGRESSING);
    assertThat(after.notices()).as("the breach was reported by the first operator").isEmpty();
    assertThat(after.status().lastAnalysis.mixnet.errors)
        .as("the failures before the restart still count")
        .isEqualTo(20);
    assertThat(after.status().message).startsWith("held at weight 10 (autoRollback is off)");
  }

  @Test
  void aRestartAfterARollbackStaysRolledBackAndJudgesNothing() {
    create(50, true, 10, 50);
    newOperator().reconcileAt(t0);
    router.mixnet(80, 20, 0.08);
    CanaryController.Outcome rolledBack = newOperator().reconcileAt(t0.plusSeconds(10));
    assertThat(rolledBack.status().phase).isEqualTo(CanaryPhase.ROLLED_BACK);
    assertThat(rolledBack.weight()).isZero();
    int scrapes = router.scrapes();

    router.mixnet(1000, 0, 0.08);
    CanaryController.Outcome after = newOperator().reconcileAt(t0.plus(STEP.multipliedBy(10)));
    assertThat(after.status().phase).isEqualTo(CanaryPhase.ROLLED_BACK);
    assertThat(after.weight()).isZero();
    assertThat(after.notices()).isEmpty();
    assertThat(after.recheckAfter()).isEmpty();
    assertThat(after.status().window).isNull();
    assertThat(router.scrapes()).as("nothing is judged while rolled back").isEqualTo(scrapes);
  }

  @Test
  void aRestartAfterPromotionStaysPromoted() {
    create(50, true, 10, 50);
    newOperator().reconcileAt(t0);
    router.mixnet(100, 0, 0.08);
    newOperator().reconcileAt(t0.plus(STEP));
    router.mixnet(100, 0, 0.08);
    CanaryController.Outcome promoted = newOperator().reconcileAt(t0.plus(STEP.multipliedBy(2)));
    assertThat(promoted.status().phase).isEqualTo(CanaryPhase.PROMOTED);
    assertThat(promoted.notices()).extracting(Notice::reason).containsExactly("CanaryPromoted");

    CanaryController.Outcome after = newOperator().reconcileAt(t0.plus(STEP.multipliedBy(3)));
    assertThat(after.status().phase).isEqualTo(CanaryPhase.PROMOTED);
    assertThat(after.weight()).isEqualTo(50);
    assertThat(after.notices()).isEmpty();
    assertThat(after.status().stepStartedAt).isEqualTo(promoted.status().stepStartedAt);
  }

  private void create(int weight, boolean autoRollback, Integer... steps) {
    MixnetCluster cluster = TestClusters.demo(NS, "demo");
    cluster.getSpec().canary.weight = weight;
    cluster.getSpec().canary.steps = List.of(steps);
    cluster.getSpec().canary.stepInterval = "1m";
    cluster.getSpec().canary.autoRollback = autoRollback;
    cluster.getSpec().canary.analysis.maxErrorRate = 0.05;
    cluster.getSpec().canary.analysis.maxP95Latency = "500ms";
    cluster.getSpec().canary.analysis.minSamples = 50;
    client.resource(cluster).create();
    new ClusterObjects(client).routerPod(NS, "demo", ROUTER, router.port());
  }

  private static OperatorLife newOperator() {
    return new OperatorLife(
        new CanaryController(
            client,
            new DirectMetrics(new RouterScraper(client, Duration.ofSeconds(2))),
            new PrometheusMetrics(new PrometheusToken(client), Duration.ofSeconds(2)),
            Duration.ofSeconds(30)));
  }

  /** One operator process, as far as the canary goes: a controller and the status it writes. */
  private record OperatorLife(CanaryController controller) {

    CanaryController.Outcome reconcileAt(Instant now) {
      MixnetCluster cluster =
          client.resources(MixnetCluster.class).inNamespace(NS).withName("demo").get();
      CanaryController.Outcome outcome = controller.reconcile(cluster, null, now);
      MixnetClusterStatus status =
          cluster.getStatus() == null ? new MixnetClusterStatus() : cluster.getStatus();
      status.canary = outcome.status();
      status.canaryWeight = outcome.weight();
      cluster.setStatus(status);
      client.resource(cluster).updateStatus();
      return outcome;
    }
  }
}
