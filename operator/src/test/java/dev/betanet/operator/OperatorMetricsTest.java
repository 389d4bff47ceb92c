package dev.betanet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.betanet.operator.crd.CanaryPhase;
import dev.betanet.operator.crd.FogServiceSpec;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.reconcile.OperatorClock;
import dev.betanet.protocol.metrics.MetricNames;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's own metrics, read the way Prometheus reads them: GET {@code /q/metrics} on the
 * real management port, parse the text, compare with a scrape taken before.
 */
@QuarkusTest
@WithRbacApiServer
class OperatorMetricsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Named by the JOSDK (micrometer-support), not by us: not in MetricNames. */
  private static final String SDK_RECONCILIATIONS_STARTED = "reconciliations_started_total";

  private static final String SDK_RECONCILIATIONS_SUCCEEDED = "reconciliations_success_total";
  private static final String[] SDK_CONTROLLER = {"controller_name", "mixnetclusterreconciler"};

  @ApiAdmin KubernetesClient client;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  MovableClock clock = new MovableClock();
  ClusterObjects objects;
  RouterMetricsEndpoint router;

  @BeforeEach
  void setUp() throws Exception {
    objects = new ClusterObjects(client);
    QuarkusMock.installMockForType(clock, OperatorClock.class);
    router = new RouterMetricsEndpoint();
  }

  @AfterEach
  void tearDown() {
    router.close();
  }

  @Test
  void canaryWeightsPhaseAnalysisAndRollbacksPerCluster() {
    String ns = "metrics-canary";
    String[] demo = {"namespace", ns, "cluster", "demo"};
    MetricsPage before = MetricsPage.scrape(metrics);
    assertThat(before.has(MetricNames.OPERATOR_CANARY_WEIGHT, demo)).isFalse();

    MixnetCluster cluster = TestClusters.demo(ns, "demo");
    cluster.getSpec().canary.weight = 50;
    cluster.getSpec().canary.steps = List.of(10, 50);
    cluster.getSpec().canary.stepInterval = "1m";
    cluster.getSpec().canary.analysis.maxErrorRate = 0.05;
    cluster.getSpec().canary.analysis.minSamples = 50;
    client.resource(cluster).create();
    objects.routerPod(ns, "demo", "demo-router-0-0", router.port());
    await()
        .atMost(WAIT)
        .until(() -> objects.canary(ns, "demo"), c -> c != null && c.currentWeight == 10);

    MetricsPage progressing =
        await()
            .atMost(WAIT)
            .until(
                () -> MetricsPage.scrape(metrics),
                page -> page.has(MetricNames.OPERATOR_CANARY_WEIGHT, demo));
    assertThat(progressing.value(MetricNames.OPERATOR_CANARY_WEIGHT, demo)).isEqualTo(10);
    assertThat(progressing.value(MetricNames.OPERATOR_CANARY_DESIRED_WEIGHT, demo)).isEqualTo(50);
    assertThat(phase(progressing, ns, "Progressing")).isEqualTo(1);
    assertThat(phase(progressing, ns, "Idle")).isZero();
    assertThat(progressing.value(MetricNames.OPERATOR_TOPOLOGY_EPOCH, demo)).isGreaterThan(0);
    assertThat(progressing.value(MetricNames.OPERATOR_KEY_EPOCH, demo)).isEqualTo(1);
    assertThat(progressing.value(MetricNames.OPERATOR_RECONCILIATIONS, with(demo, "result", "ok")))
        .isGreaterThan(0);
    assertThat(progressing.value(MetricNames.OPERATOR_ROLLBACKS, demo)).isZero();

    router.mixnet(80, 20, 0.08);
    await()
        .atMost(WAIT)
        .until(
            () -> objects.canary(ns, "demo"), c -> c != null && c.phase == CanaryPhase.ROLLED_BACK);
    MetricsPage rolledBack =
        await()
            .atMost(WAIT)
            .until(() -> MetricsPage.scrape(metrics), page -> phase(page, ns, "RolledBack") == 1);
    assertThat(rolledBack.value(MetricNames.OPERATOR_ROLLBACKS, demo)).isEqualTo(1);
    assertThat(rolledBack.value(MetricNames.OPERATOR_CANARY_WEIGHT, demo)).isZero();
    assertThat(phase(rolledBack, ns, "Progressing")).isZero();
    String[] step10 = with(demo, "weight", "10");
    assertThat(rolledBack.value(MetricNames.OPERATOR_ANALYSIS_ERROR_RATE, step10)).isEqualTo(0.2);
    assertThat(rolledBack.value(MetricNames.OPERATOR_ANALYSIS_SAMPLES, step10)).isEqualTo(100);
    assertThat(rolledBack.value(MetricNames.OPERATOR_ANALYSIS_P95_SECONDS, step10))
        .isBetween(0.05, 0.1);
    assertThat(
            rolledBack.value(
                MetricNames.OPERATOR_ANALYSIS_VERDICT,
                with(step10, "verdict", "ErrorRateExceeded")))
        .isEqualTo(1);
    assertThat(rolledBack.find(MetricNames.OPERATOR_ANALYSIS_VERDICT.prometheus(), step10))
        .as("one verdict series per step: the newest")
        .hasValue(1);
  }

  @Test
  void reconciliationsByResultKeyRotationsAndSeriesOfDeletedClustersGo() {
    String ns = "metrics-keys";
    String[] demo = {"namespace", ns, "cluster", "demo"};
    String[] broken = {"namespace", ns, "cluster", "broken"};
    MixnetCluster cluster = TestClusters.demo(ns, "demo");
    cluster.getSpec().keyRotationInterval = "1h";
    client.resource(cluster).create();
    MixnetCluster invalid = TestClusters.demo(ns, "broken");
    invalid.getSpec().routers.services =
        List.of(
            new FogServiceSpec("echo", "echo.fog", "http://echo:8080"),
            new FogServiceSpec("echo", "echo2.fog", "http://echo:8080"));
    client.resource(invalid).create();

    MetricsPage first =
        await()
            .atMost(WAIT)
            .until(
                () -> MetricsPage.scrape(metrics),
                // A cluster's series are registered one by one, so a scrape can land between
                // two of them (and read the epoch gauge before its first value): wait for all.
                page ->
                    page.has(MetricNames.OPERATOR_KEY_ROTATIONS, demo)
                        && page.find(MetricNames.OPERATOR_KEY_EPOCH.prometheus(), demo).orElse(0)
                            == 1
                        && page.has(
                            MetricNames.OPERATOR_RECONCILIATIONS,
                            with(broken, "result", "invalid_spec")));
    double rotations = first.value(MetricNames.OPERATOR_KEY_ROTATIONS, demo);
    assertThat(first.has(MetricNames.OPERATOR_RECONCILIATIONS, with(broken, "result", "ok")))
        .as("an invalid spec is not a successful reconciliation")
        .isFalse();

    clock.advance(Duration.ofMinutes(61));
    MetricsPage rotated =
        await()
            .atMost(WAIT)
            .until(
                () -> MetricsPage.scrape(metrics),
                page -> page.value(MetricNames.OPERATOR_KEY_EPOCH, demo) == 2);
    assertThat(rotated.value(MetricNames.OPERATOR_KEY_ROTATIONS, demo)).isEqualTo(rotations + 1);

    // The SDK's own reconciliation metrics (JOSDK MicrometerMetricsV2) are on the same page.
    assertThat(rotated.value(SDK_RECONCILIATIONS_STARTED, SDK_CONTROLLER))
        .isGreaterThan(first.value(SDK_RECONCILIATIONS_STARTED, SDK_CONTROLLER));
    assertThat(rotated.value(SDK_RECONCILIATIONS_SUCCEEDED, SDK_CONTROLLER)).isGreaterThan(0);

    client.resource(invalid).delete();
    await()
        .atMost(WAIT)
        .until(
            () -> MetricsPage.scrape(metrics),
            page ->
                !page.has(
                    MetricNames.OPERATOR_RECONCILIATIONS, with(broken, "result", "invalid_spec")));
  }

  private static double phase(MetricsPage page, String ns, String phase) {
    return page.value(
        MetricNames.OPERATOR_CANARY_PHASE, "namespace", ns, "cluster", "demo", "phase", phase);
  }

  private static String[] with(String[] labels, String key, String value) {
    String[] more = java.util.Arrays.copyOf(labels, labels.length + 2);
    more[labels.length] = key;
    more[labels.length + 1] = value;
    return more;
  }
}
