package dev.betanet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.betanet.operator.crd.CanaryStatus;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Failure texts that carry data never reach a MixnetCluster's status or events: an API server error
 * whose message names hosts and holds a key, and a router whose metrics page holds a key. Both are
 * real: the first through the in-process API answering 500, the second over HTTP.
 */
@QuarkusTest
@WithRbacApiServer(setup = StatusScrubbingTest.FailingConfigMaps.class)
class StatusScrubbingTest {

  static final String KEY = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";
  static final String BACKEND = "10.9.8.7:5432";
  static final String API_FAILS = "scrub-api";

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** In namespace {@value #API_FAILS} the API refuses every ConfigMap, with a telling message. */
  public static class FailingConfigMaps implements Consumer<RbacApiServer> {
    @Override
    public void accept(RbacApiServer server) {
      server
          .expect()
          .post()
          .withPath("/api/v1/namespaces/" + API_FAILS + "/configmaps")
          .andReturn(
              500,
              new StatusBuilder()
                  .withStatus("Failure")
                  .withCode(500)
                  .withMessage("etcd at " + BACKEND + " refused write of " + KEY)
                  .build())
          .always();
    }
  }

  @ApiAdmin KubernetesClient client;

  @Test
  void anApiFailureIsReportedByItsHttpCodeOnly() {
    client.resource(TestClusters.demo(API_FAILS, "demo")).create();
    ClusterObjects objects = new ClusterObjects(client);

    Condition ready =
        await()
            .atMost(WAIT)
            .until(
                () -> readyCondition(objects, API_FAILS),
                c -> c != null && "ReconcileFailed".equals(c.getReason()));

    assertThat(ready.getMessage())
        .isEqualTo(
            "a request to the Kubernetes API failed with HTTP 500; retrying with back-off"
                + " (details in the operator log)");
    assertNoSecretsIn(objects, API_FAILS);
  }

  @Test
  void aRouterServingAKeyInItsMetricsPageDoesNotGetItIntoStatus() throws Exception {
    String ns = "scrub-router";
    HttpServer router =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    router.createContext(
        "/q/metrics",
        exchange -> {
          byte[] body =
              ("betanet_router_requests_total{transport=\"mixnet\",outcome=\"ok\"} " + KEY + "\n")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    router.start();
    try {
      MixnetCluster cluster = TestClusters.demo(ns, "demo");
      cluster.getSpec().canary.weight = 50;
      cluster.getSpec().canary.steps = List.of(10, 50);
      cluster.getSpec().canary.stepInterval = "1m";
      client.resource(cluster).create();
      ClusterObjects objects = new ClusterObjects(client);
      objects.routerPod(ns, "demo", "demo-router-0-0", router.getAddress().getPort());

      CanaryStatus canary =
          await()
              .atMost(WAIT)
              .until(() -> objects.canary(ns, "demo"), c -> c != null && c.lastAnalysis != null);
      assertThat(canary.lastAnalysis.reason).isEqualTo("RouterUnreachable");
      assertThat(canary.lastAnalysis.unreachable)
          .containsExactly("demo-router-0-0: metrics line 1: not Prometheus text");
      assertNoSecretsIn(objects, ns);
    } finally {
      router.stop(0);
    }
  }

  private static Condition readyCondition(ClusterObjects objects, String ns) {
    MixnetCluster cluster = objects.cluster(ns, "demo");
    return cluster == null || cluster.getStatus() == null
        ? null
        : Conditions.find(cluster.getStatus().conditions, Conditions.READY).orElse(null);
  }

  /** Neither the status (every field) nor any event of the namespace holds the planted data. */
  private void assertNoSecretsIn(ClusterObjects objects, String ns) {
    String status =
        io.fabric8.kubernetes.client.utils.Serialization.asJson(
            objects.cluster(ns, "demo").getStatus());
    String events = String.join("\n", objects.eventLines(ns));
    for (String text : List.of(status, events)) {
      assertThat(text)
          .doesNotContain(KEY)
          .doesNotContain(BACKEND)
          .doesNotContain("localhost:")
          .doesNotContain("127.0.0.1")
          .doesNotContain("\tat ")
          .doesNotContain("Exception:");
    }
  }
}
