package dev.betanet.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.betanet.local.runtime.PrometheusTargets;
import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.node.LoopbackPorts;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make run}'s Prometheus: the real binary (Debian's {@code prometheus} package), started as
 * make run starts it but on a free port, scraping what {@link PrometheusTargets} writes for the
 * pods: a router pod's management port (a loopback HTTP server serving router metrics) shows up
 * with the PodMonitors' labels, leaves when the pod goes, and the server stops cleanly.
 */
class LocalPrometheusTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private HttpServer router;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void startRouterEndpoint() throws Exception {
    router = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    router.createContext(
        "/q/metrics",
        exchange -> {
          byte[] body =
              ("# TYPE "
                      + MetricNames.ROUTER_REQUESTS.prometheus()
                      + " counter\n"
                      + MetricNames.ROUTER_REQUESTS.prometheus()
                      + "{transport=\"mixnet\",outcome=\"ok\"} 42\n")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    router.start();
  }

  @AfterEach
  void stopRouterEndpoint() {
    router.stop(0);
  }

  @Test
  void scrapesEveryPodsManagementPortWithThePodMonitorLabelsAndStopsCleanly() throws Exception {
    Path binary =
        LocalPrometheus.binary()
            .orElseGet(
                () ->
                    fail(
                        "the prometheus binary is not on PATH: install Debian's prometheus package"
                            + " (`apt-get update && apt-get install -y prometheus`; .ci/run does"
                            + " this)"));
    int port = LoopbackPorts.reserve(); // bound later by Prometheus
    LocalPrometheus prometheus =
        LocalPrometheus.start(binary, dir.resolve("prometheus"), "127.0.0.1:" + port);
    try {
      PrometheusTargets targets = new PrometheusTargets(prometheus.targets());
      targets.sync(List.of(routerPod(router.getAddress().getPort())));

      String requests = MetricNames.ROUTER_REQUESTS.prometheus();
      JsonNode scraped =
          awaitQuery(prometheus, requests + "{job=\"betanet-router\"}", r -> r.size() == 1);
      assertThat(scraped.get(0).path("metric").path("namespace").asText()).isEqualTo("default");
      assertThat(scraped.get(0).path("metric").path("pod").asText()).isEqualTo("demo-router-0-0");
      assertThat(scraped.get(0).path("metric").path("cluster").asText()).isEqualTo("demo");
      assertThat(scraped.get(0).path("value").get(1).asText()).isEqualTo("42");

      // The pod goes: its target goes, and Prometheus marks its series stale.
      targets.sync(List.of());
      awaitQuery(prometheus, "up{job=\"betanet-router\"}", JsonNode::isEmpty);
    } finally {
      prometheus.close();
    }
    assertThat(prometheus.running()).isFalse();
    assertThat(java.nio.file.Files.readString(dir.resolve("prometheus/prometheus.log")))
        .as("stopped with SIGTERM, storage closed")
        .contains("See you next time!");
  }

  private static Pod routerPod(int managementPort) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("default")
        .withName("demo-router-0-0")
        .withLabels(
            Map.of(
                "app.kubernetes.io/component", "router",
                "app.kubernetes.io/managed-by", "betanet-operator",
                "betanet.dev/cluster", "demo"))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("router")
        .addNewPort()
        .withName("management")
        .withContainerPort(managementPort)
        .endPort()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPodIP("127.0.0.1")
        .endStatus()
        .build();
  }

  /** Polls the query until {@code done} holds for its result (an instant vector). */
  private JsonNode awaitQuery(LocalPrometheus prometheus, String promql, Predicate<JsonNode> done)
      throws Exception {
    Instant deadline = Instant.now().plus(WAIT);
    JsonNode result = null;
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          prometheus.url()
                              + "/api/v1/query?query="
                              + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      result = json.readTree(response.body()).path("data").path("result");
      if (done.test(result)) {
        return result;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("query " + promql + " never matched; last result: " + result);
  }
}
