package dev.betanet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.betanet.operator.analysis.MetricsScraper;
import dev.betanet.operator.canary.RouterScraper;
import dev.betanet.operator.canary.StepWindows;
import dev.betanet.operator.canary.WindowRecords;
import dev.betanet.operator.crd.CanaryPhase;
import dev.betanet.operator.crd.CanaryStatus;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.MixnetClusterStatus;
import dev.betanet.operator.reconcile.OperatorClock;
import dev.betanet.protocol.metrics.MetricNames;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Two operator replicas and one Lease, against the in-process API (Fabric8 mock, CRUD). The test
 * plays the other replica by writing the Lease ({@code coordination.k8s.io/v1}) itself: first it
 * holds it, and the operator under test, a standby, does nothing; then it lets it expire, and the
 * operator takes over and goes on with the canary step the other replica left in status; then it
 * takes the Lease away, and the operator stops acting.
 */
@QuarkusTest
@TestProfile(LeaderElectionTest.Elected.class)
@WithRbacApiServer(setup = LeaderElectionTest.HeldByAnother.class)
class LeaderElectionTest {

  static final String LEASE_NS = "betanet-system";
  static final String LEASE = "betanet-operator";
  static final String ME = "operator-b";
  static final String OTHER = "operator-a";

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String NS = "ha";
  private static final String ROUTER = "demo-router-0-0";

  /** Leader election on, with short periods so a takeover takes seconds. */
  public static class Elected implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "betanet.operator.leader-election.enabled", "true",
          "betanet.operator.leader-election.lease-namespace", LEASE_NS,
          "betanet.operator.leader-election.identity", ME,
          "betanet.operator.leader-election.lease-duration", "3s",
          "betanet.operator.leader-election.renew-deadline", "2s",
          "betanet.operator.leader-election.retry-period", "250ms",
          "betanet.operator.leader-election.exit-on-loss", "false");
    }
  }

  /**
   * Before the operator starts: the other replica holds the Lease. The JOSDK's access check (a
   * SelfSubjectRulesReview) is answered by the API from the install's leader-election Role.
   */
  public static class HeldByAnother implements Consumer<RbacApiServer> {
    @Override
    public void accept(RbacApiServer server) {
      server.getClient().resource(lease(OTHER, Instant.now(), 3600)).create();
    }
  }

  @ApiAdmin KubernetesClient client;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  @TestHTTPResource(value = "/health/ready", management = true)
  URL ready;

  @Test
  void aStandbyWaitsTakesOverTheCanaryFromStatusAndStopsWhenItLosesTheLease() throws Exception {
    MovableClock clock = new MovableClock();
    QuarkusMock.installMockForType(clock, OperatorClock.class);
    ClusterObjects objects = new ClusterObjects(client);
    try (RouterMetricsEndpoint router = new RouterMetricsEndpoint()) {
      Instant stepStart = clock.now().minusSeconds(30);
      leftMidStepByTheOtherReplica(objects, router, stepStart);
      int scrapes = router.scrapes();

      // The other replica holds the Lease: this one is ready but acts on nothing.
      await()
          .during(Duration.ofSeconds(3))
          .atMost(WAIT)
          .until(
              () ->
                  router.scrapes() == scrapes
                      && objects.topologyConfigMap(NS, "demo") == null
                      && objects.canary(NS, "demo").message.equals("left by " + OTHER));
      assertThat(leader(MetricsPage.scrape(metrics))).isZero();
      assertThat(holder()).isEqualTo(OTHER);
      assertThat(httpStatus(ready))
          .as("a standby is ready: rollouts of two replicas finish")
          .isEqualTo(200);

      // The other replica goes away; routers count on; the step's minute is over.
      router.mixnet(30, 0, 0.08);
      clock.advance(Duration.ofSeconds(60));
      passLease(OTHER, Instant.now().minusSeconds(3600), 1);

      await().atMost(WAIT).until(() -> ME.equals(holder()));
      CanaryStatus advanced =
          await().atMost(WAIT).until(() -> objects.canary(NS, "demo"), c -> c.currentWeight == 50);
      assertThat(advanced.lastAnalysis.weight).isEqualTo(10);
      assertThat(advanced.lastAnalysis.windowStartedAt)
          .as("the step's window is the other replica's")
          .isEqualTo(stepStart.toString());
      assertThat(advanced.lastAnalysis.mixnet.samples)
          .as("what routers counted before the takeover counts")
          .isEqualTo(70);
      assertThat(objects.eventLines(NS))
          .anyMatch(e -> e.startsWith("Normal CanaryStepAdvanced: canary weight 10 → 50"));
      assertThat(objects.topology(NS, "demo").canary().weight()).isEqualTo(50);
      assertThat(leader(MetricsPage.scrape(metrics))).isEqualTo(1);

      // A third replica takes the Lease: this one stops acting.
      passLease("operator-c", Instant.now(), 3600);
      await().atMost(WAIT).until(() -> leader(MetricsPage.scrape(metrics)) == 0);
      long generation = objects.cluster(NS, "demo").getMetadata().getGeneration();
      client
          .resources(MixnetCluster.class)
          .inNamespace(NS)
          .withName("demo")
          .edit(
              c -> {
                c.getSpec().canary.weight = 0;
                return c;
              });
      await()
          .during(Duration.ofSeconds(4))
          .atMost(WAIT)
          .until(
              () -> objects.canary(NS, "demo"),
              c -> c.currentWeight == 50 && c.observedGeneration == generation);
      assertThat(objects.topology(NS, "demo").canary().weight()).isEqualTo(50);
      assertThat(holder()).isEqualTo("operator-c");
    }
  }

  /** The cluster as the other replica left it: step 10 of a walk to 50, 40 requests counted. */
  private void leftMidStepByTheOtherReplica(
      ClusterObjects objects, RouterMetricsEndpoint router, Instant stepStart) {
    MixnetCluster cluster = TestClusters.demo(NS, "demo");
    cluster.getSpec().canary.weight = 50;
    cluster.getSpec().canary.steps = List.of(10, 50);
    cluster.getSpec().canary.stepInterval = "1m";
    cluster.getSpec().canary.analysis.maxErrorRate = 0.05;
    cluster.getSpec().canary.analysis.maxP95Latency = "500ms";
    cluster.getSpec().canary.analysis.minSamples = 50;
    client.resource(cluster).create();
    objects.routerPod(NS, "demo", ROUTER, router.port());
    MixnetCluster created = objects.cluster(NS, "demo");

    // The other replica's scrapes, made with the operator's own scraper and window code.
    RouterScraper scraper = new RouterScraper(client, Duration.ofSeconds(2));
    StepWindows.StepWindow window =
        StepWindows.open(10, stepStart, scraper.scrape(created), stepStart);
    router.mixnet(40, 0, 0.08);
    Map<String, MetricsScraper.Result> later = scraper.scrape(created);
    window = StepWindows.observe(window, later).window();

    CanaryStatus canary = new CanaryStatus();
    canary.desiredWeight = 50;
    canary.currentWeight = 10;
    canary.lastGoodWeight = 0;
    canary.phase = CanaryPhase.PROGRESSING;
    canary.currentStep = 1;
    canary.totalSteps = 2;
    canary.stepStartedAt = stepStart.toString();
    canary.observedGeneration = created.getMetadata().getGeneration();
    canary.message = "left by " + OTHER;
    canary.window = WindowRecords.record(window);
    MixnetClusterStatus status = new MixnetClusterStatus();
    status.canary = canary;
    status.canaryWeight = 10;
    created.setStatus(status);
    client.resource(created).updateStatus();
  }

  /**
   * Rewrites the Lease as the replica {@code holder} would; a write that meets the leader's renewal
   * (409 Conflict, as on a real API server) is tried again on the newer version.
   */
  private void passLease(String holder, Instant renewed, int durationSeconds) {
    Lease wanted = lease(holder, renewed, durationSeconds);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              try {
                client
                    .leases()
                    .inNamespace(LEASE_NS)
                    .withName(LEASE)
                    .edit(
                        l -> {
                          l.setSpec(wanted.getSpec());
                          return l;
                        });
                return true;
              } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                  throw e;
                }
                return false;
              }
            });
  }

  private String holder() {
    Lease lease = client.leases().inNamespace(LEASE_NS).withName(LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static double leader(MetricsPage page) {
    return page.value(MetricNames.OPERATOR_LEADER);
  }

  static Lease lease(String holder, Instant renewed, int durationSeconds) {
    ZonedDateTime time = ZonedDateTime.ofInstant(renewed, ZoneOffset.UTC);
    return new LeaseBuilder()
        .withNewMetadata()
        .withName(LEASE)
        .withNamespace(LEASE_NS)
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity(holder)
        .withLeaseDurationSeconds(durationSeconds)
        .withAcquireTime(time)
        .withRenewTime(time)
        .withLeaseTransitions(0)
        .endSpec()
        .build();
  }

  private static int httpStatus(URL url) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(URI.create(url.toString())).GET().build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }
}
