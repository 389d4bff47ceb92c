package dev.betanet.bench.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.router.state.Outcomes;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.Transport;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Records the router's metrics page that the operator's tests read ({@code
 * operator/src/test/resources/metrics/router-scrape.txt}), and fails when the committed recording
 * is no longer what the router serves. The page comes from the router's own metrics class as the
 * router registers it, on the Prometheus registry Quarkus serves {@code /q/metrics} with
 * (Micrometer over the Prometheus simpleclient, text format 0.0.4), after a fixed set of requests
 * on both transports. The JVM and HTTP series Quarkus adds are not in it: the operator reads none
 * of them.
 *
 * <p>So a router change to a metric name, label or histogram reaches the operator's tests: this
 * test goes red until the recording is made again, and the operator's tests then read the new page
 * (and fail where they read a series that is gone). Record again with {@code ./mvnw -pl bench test
 * -Dtest=RouterScrapeRecordingTest -Dbetanet.record-router-scrape=true}.
 */
class RouterScrapeRecordingTest {

  static final Path RECORDING =
      Path.of("..", "operator", "src", "test", "resources", "metrics", "router-scrape.txt");

  private static final String HEADER =
      """
      # Recorded by bench RouterScrapeRecordingTest: the router's RouterMetrics on Micrometer's
      # PrometheusMeterRegistry (text format 0.0.4) after a fixed set of requests. Do not edit;
      # record again with -Dbetanet.record-router-scrape=true (see that test).
      """;

  @Test
  void theCommittedRecordingIsWhatTheRouterServes() throws IOException {
    String page = HEADER + routerPage();
    if (Boolean.getBoolean("betanet.record-router-scrape")) {
      Files.writeString(RECORDING, page, StandardCharsets.UTF_8);
    }

    assertThat(lines(Files.readString(RECORDING, StandardCharsets.UTF_8)))
        .as(
            "%s is not what the router serves now; record it again with"
                + " -Dbetanet.record-router-scrape=true",
            RECORDING)
        .isEqualTo(lines(page));
  }

  @Test
  void theRecordingIsTheSameEveryTime() {
    assertThat(lines(routerPage())).isEqualTo(lines(routerPage())).hasSizeGreaterThan(100);
  }

  /** The page's lines in order: the registry writes meters and series in hash order. */
  private static List<String> lines(String page) {
    return page.lines().sorted().toList();
  }

  /** The router's metrics after every kind of request the operator tells apart. */
  static String routerPage() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RouterMetrics metrics = new RouterMetrics(registry, () -> 25, () -> 0);
    record(metrics, Transport.MIXNET, "ok", 60, Duration.ofMillis(80));
    record(metrics, Transport.MIXNET, "ok", 30, Duration.ofMillis(300));
    record(metrics, Transport.MIXNET, "error", 6, Duration.ofMillis(200));
    record(metrics, Transport.MIXNET, "timeout", 4, Duration.ofSeconds(5));
    record(metrics, Transport.MIXNET, "rejected", 4, Duration.ofMillis(1));
    record(metrics, Transport.MIXNET, Outcomes.DOWNGRADED, 2, Duration.ofSeconds(2));
    record(metrics, Transport.FALLBACK, "ok", 300, Duration.ofMillis(20));
    record(metrics, Transport.FALLBACK, "error", 1, Duration.ofMillis(40));
    for (int i = 0; i < 96; i++) {
      metrics.flow(Transport.MIXNET);
    }
    for (int i = 0; i < 301; i++) {
      metrics.flow(Transport.FALLBACK);
    }
    metrics.downgrade("timeout");
    metrics.downgrade("timeout");
    metrics.retransmission();
    metrics.surbMade();
    metrics.coverSent();
    metrics.coverReceived();
    metrics.tunnel("initiator", "open");
    metrics.refused("malformed");
    return registry.scrape();
  }

  private static void record(
      RouterMetrics metrics, Transport transport, String outcome, int times, Duration each) {
    for (int i = 0; i < times; i++) {
      metrics.request(transport, outcome, each);
    }
  }
}
