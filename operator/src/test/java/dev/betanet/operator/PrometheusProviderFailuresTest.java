package dev.betanet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.betanet.operator.canary.CanaryController;
import dev.betanet.operator.canary.PrometheusMetrics;
import dev.betanet.operator.canary.PrometheusToken;
import dev.betanet.operator.crd.CanaryStatus;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.PrometheusQueriesSpec;
import dev.betanet.operator.crd.SecretKeyReference;
import dev.betanet.operator.reconcile.OperatorClock;
import dev.betanet.operator.status.CanaryReport;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus provider when Prometheus cannot answer: unreachable, a query it rejects, no series
 * for the cluster, a token that cannot be read. Each holds the step (healthy routers or not) with
 * CanaryHealthy Unknown naming the cause and one warning event; no data never passes as no errors.
 * And the bearer token reaches Prometheus, never status or events.
 */
@QuarkusTest
@WithRbacApiServer
class PrometheusProviderFailuresTest {

  private static final Duration STEP = Duration.ofSeconds(1);
  private static final String ROUTER = "demo-router-0-0";
  private static final String TOKEN = "t0ken-that-must-stay-secret";

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
    source = new AnalysisSource(AnalysisSource.Kind.PROMETHEUS, clock);
  }

  @AfterEach
  void tearDown() {
    router.close();
    source.close();
  }

  @Test
  void whatPrometheusCannotAnswerHoldsTheStepAndIsReported() throws Exception {
    String ns = "prom-failures";
    // Prometheus scrapes the router, but under another namespace label: no series for this one.
    source.router("elsewhere", ROUTER, router.port(), router);
    source.begin();
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    MixnetCluster cluster = cluster(ns);
    cluster.getSpec().canary.analysis.prometheus.address = "http://127.0.0.1:" + closedPort;
    client.resource(cluster).create();
    objects.routerPod(ns, "demo", ROUTER, router.port());
    awaitCanary(ns, c -> c.currentWeight == 10);

    router.mixnet(100, 0, 0.08);
    source.advance(STEP);
    awaitHeldBy(ns, PrometheusMetrics.UNREACHABLE);
    assertThat(objects.canary(ns, "demo").lastAnalysis.message).contains("ConnectException");
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(30))
        .until(() -> objects.canary(ns, "demo").currentWeight == 10);
    assertThat(objects.events(ns))
        .as("one warning per cause, not one per judgement")
        .containsOnlyOnce(CanaryController.METRICS_UNAVAILABLE);

    edit(
        ns,
        c -> {
          c.getSpec().canary.analysis.prometheus.address = source.prometheus().address().toString();
          c.getSpec().canary.analysis.prometheus.queries = new PrometheusQueriesSpec();
          c.getSpec().canary.analysis.prometheus.queries.samples = "sum(rate(";
        });
    awaitHeldBy(ns, PrometheusMetrics.QUERY_FAILED);
    assertThat(objects.canary(ns, "demo").lastAnalysis.message)
        .contains("the samples query failed: bad_data");

    edit(ns, c -> c.getSpec().canary.analysis.prometheus.queries = null);
    awaitHeldBy(ns, PrometheusMetrics.NO_DATA);
    assertThat(objects.canary(ns, "demo").lastAnalysis.message).contains("no router targets");
    assertThat(objects.canary(ns, "demo").lastAnalysis.mixnet).as("absent, not zero").isNull();
    assertThat(objects.eventLines(ns))
        .filteredOn(e -> e.contains(CanaryController.METRICS_UNAVAILABLE))
        .hasSize(3)
        .allMatch(e -> e.startsWith("Warning "));

    // Once Prometheus has the cluster's series, the same step is judged and advances.
    source.router(ns, ROUTER, router.port(), router);
    source.catchUp();
    router.mixnet(100, 0, 0.08);
    source.advance(STEP);
    awaitCanary(ns, c -> c.currentWeight == 50);
  }

  @Test
  void theBearerTokenReachesPrometheusAndNothingElse() throws Exception {
    String ns = "prom-token";
    source.router(ns, ROUTER, router.port(), router);
    source.begin();
    try (TokenGate gate = new TokenGate(source.prometheus().address())) {
      MixnetCluster cluster = cluster(ns);
      cluster.getSpec().canary.analysis.prometheus.address = gate.address().toString();
      cluster.getSpec().canary.analysis.prometheus.bearerTokenSecret = new SecretKeyReference();
      cluster.getSpec().canary.analysis.prometheus.bearerTokenSecret.name = "prometheus-reader";
      cluster.getSpec().canary.analysis.prometheus.bearerTokenSecret.key = "token";
      client.resource(cluster).create();
      objects.routerPod(ns, "demo", ROUTER, router.port());
      awaitCanary(ns, c -> c.currentWeight == 10);

      router.mixnet(100, 0, 0.08);
      source.advance(STEP);
      awaitHeldBy(ns, PrometheusToken.UNAVAILABLE);
      assertThat(objects.canary(ns, "demo").lastAnalysis.message)
          .isEqualTo("Secret prometheus-reader key token: no such Secret");
      assertThat(gate.refused()).as("nothing is asked without the token").isZero();

      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("prometheus-reader")
                  .withNamespace(ns)
                  .endMetadata()
                  .addToStringData("token", TOKEN)
                  .build())
          .create();
      awaitCanary(ns, c -> c.currentWeight == 50);
      assertThat(gate.admitted()).isPositive();
      assertThat(gate.refused()).isZero();
      assertThat(Serialization.asJson(objects.cluster(ns, "demo").getStatus()))
          .doesNotContain(TOKEN);
      assertThat(objects.eventLines(ns)).noneMatch(e -> e.contains(TOKEN));
    }
  }

  private MixnetCluster cluster(String ns) {
    MixnetCluster cluster = TestClusters.demo(ns, "demo");
    cluster.getSpec().canary.weight = 50;
    cluster.getSpec().canary.steps = List.of(10, 50);
    cluster.getSpec().canary.stepInterval = "1s";
    cluster.getSpec().canary.analysis.maxErrorRate = 0.05;
    cluster.getSpec().canary.analysis.maxP95Latency = "500ms";
    cluster.getSpec().canary.analysis.minSamples = 50;
    source.configure(cluster);
    return cluster;
  }

  private void awaitHeldBy(String ns, String reason) {
    CanaryStatus held =
        awaitCanary(ns, c -> c.lastAnalysis != null && reason.equals(c.lastAnalysis.reason));
    assertThat(held.currentWeight).isEqualTo(10);
    Condition healthy = objects.condition(ns, "demo", CanaryReport.CANARY_HEALTHY);
    assertThat(healthy.getStatus()).isEqualTo("Unknown");
    assertThat(healthy.getReason()).isEqualTo(reason);
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
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> objects.canary(ns, "demo"), c -> c != null && condition.test(c));
  }

  /**
   * A loopback reverse proxy in front of the real Prometheus that forwards only requests bearing
   * the token, the way an authenticating proxy before a managed Prometheus does.
   */
  private static final class TokenGate implements AutoCloseable {
    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    TokenGate(URI prometheus) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/",
          exchange -> {
            try (exchange) {
              if (!("Bearer " + TOKEN)
                  .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                exchange.sendResponseHeaders(401, -1);
                return;
              }
              admitted.incrementAndGet();
              HttpResponse<byte[]> answer =
                  http.send(
                      HttpRequest.newBuilder(prometheus.resolve(exchange.getRequestURI().getPath()))
                          .header(
                              "Content-Type", exchange.getRequestHeaders().getFirst("Content-Type"))
                          .POST(
                              HttpRequest.BodyPublishers.ofByteArray(
                                  exchange.getRequestBody().readAllBytes()))
                          .build(),
                      HttpResponse.BodyHandlers.ofByteArray());
              exchange.getResponseHeaders().add("Content-Type", "application/json");
              exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      server.start();
    }

    URI address() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int admitted() {
      return admitted.get();
    }

    int refused() {
      return refused.get();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
