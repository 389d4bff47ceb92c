package dev.betanet.protocol.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.betanet.protocol.metrics.Scrape.Sample;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class PrometheusTextParserTest {

  /** The shape Micrometer's Prometheus registry writes. */
  private static final String PAGE =
      """
      # HELP betanet_router_requests_total Requests by transport and outcome
      # TYPE betanet_router_requests_total counter
      betanet_router_requests_total{outcome="ok",transport="mixnet"} 90.0
      betanet_router_requests_total{outcome="error",transport="mixnet"} 10.0
      betanet_router_requests_total{outcome="ok",transport="fallback"} 300.0
      # HELP betanet_router_request_seconds Request latency
      # TYPE betanet_router_request_seconds histogram
      betanet_router_request_seconds_bucket{transport="mixnet",le="0.1"} 50.0
      betanet_router_request_seconds_bucket{transport="mixnet",le="+Inf"} 100.0
      betanet_router_request_seconds_count{transport="mixnet"} 100.0
      betanet_router_request_seconds_sum{transport="mixnet"} 12.5
      # TYPE betanet_router_canary_weight gauge
      betanet_router_canary_weight 25.0
      """;

  @Test
  void parsesCountersHistogramsAndGauges() throws Exception {
    Scrape scrape = PrometheusTextParser.parse(PAGE);

    assertThat(scrape.samples()).hasSize(8);
    assertThat(scrape.samples().getFirst())
        .isEqualTo(
            new Sample(
                "betanet_router_requests_total",
                Map.of("outcome", "ok", "transport", "mixnet"),
                90.0));
    assertThat(scrape.samples().get(4).label("le")).isEqualTo("+Inf");
    assertThat(scrape.samples().get(4).label("absent")).isEmpty();
    assertThat(scrape.samples().getLast().labels()).isEmpty();
    assertThat(scrape.samples().getLast().value()).isEqualTo(25.0);
  }

  @Test
  void sumsSeriesAndSumsThemByALabel() throws Exception {
    Scrape scrape = PrometheusTextParser.parse(PAGE);

    assertThat(scrape.sum(MetricNames.ROUTER_REQUESTS.prometheus())).isEqualTo(400.0);
    assertThat(scrape.sumBy(MetricNames.ROUTER_REQUESTS.prometheus(), "transport"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("mixnet", 100.0, "fallback", 300.0));
    assertThat(scrape.sum(MetricNames.ROUTER_CANARY_WEIGHT.prometheus())).isEqualTo(25.0);
    assertThat(scrape.has(MetricNames.ROUTER_REQUEST_SECONDS.buckets())).isTrue();
  }

  @Test
  void aSeriesThatIsNotOnThePageIsAnErrorNotAZero() throws Exception {
    Scrape scrape = PrometheusTextParser.parse(PAGE);

    assertThat(scrape.has(MetricNames.MIXNODE_PACKETS.prometheus())).isFalse();
    assertThatThrownBy(() -> scrape.sum(MetricNames.MIXNODE_PACKETS.prometheus()))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessage("no series betanet_mixnode_packets_total in the scrape");
    assertThat(scrape.sumBy(MetricNames.MIXNODE_PACKETS.prometheus(), "result")).isEmpty();
    // A longer name that starts with the asked one is another series.
    assertThat(
            PrometheusTextParser.parse("betanet_mixnode_packets_total_created 1.7e9\n")
                .has("betanet_mixnode_packets_total"))
        .isFalse();
  }

  @Test
  void readsEscapedLabelValuesSpecialValuesAndTimestamps() throws Exception {
    Scrape scrape =
        PrometheusTextParser.parse(
            """
            a{path="C:\\\\dir",quote="say \\"hi\\"",nl="x\\ny"} NaN
            b +Inf 1700000000000
            c{} -Inf
            d{x="1",} 2e3
            """);

    assertThat(scrape.samples().get(0).labels())
        .containsEntry("path", "C:\\dir")
        .containsEntry("quote", "say \"hi\"")
        .containsEntry("nl", "x\ny");
    assertThat(scrape.samples().get(0).value()).isNaN();
    assertThat(scrape.samples().get(1).value()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(scrape.samples().get(2).value()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(scrape.samples().get(3).value()).isEqualTo(2000.0);
  }

  @Test
  void rejectsAMalformedLineNamingIt() {
    assertThatThrownBy(() -> PrometheusTextParser.parse("ok 1\nbroken{a=\"b\" 2\n"))
        .isInstanceOf(PrometheusTextParser.FormatException.class)
        .hasMessageContaining("metrics line 2");
    assertThatThrownBy(() -> PrometheusTextParser.parse("x{a=\"unterminated} 1"))
        .hasMessageContaining("unterminated label value");
    assertThatThrownBy(() -> PrometheusTextParser.parse("x twelve"))
        .hasMessageContaining("not a number: twelve");
    assertThatThrownBy(() -> PrometheusTextParser.parse("x 1 2 3"))
        .hasMessageContaining("expected a value (and optional timestamp) after x");
    assertThatThrownBy(() -> PrometheusTextParser.parse("x"))
        .hasMessageContaining("expected a value");
    assertThatThrownBy(() -> PrometheusTextParser.parse("garbage line"))
        .hasMessageContaining("not a number: line");
    assertThatThrownBy(() -> PrometheusTextParser.parse("<html>not metrics</html>"))
        .hasMessage("metrics line 1: expected a metric name");
  }
}
