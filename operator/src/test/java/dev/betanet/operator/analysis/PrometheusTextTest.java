package dev.betanet.operator.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.betanet.operator.analysis.PrometheusText.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  /** The shape Micrometer's Prometheus registry writes for our router metrics. */
  static final String ROUTER_PAGE =
      """
      # HELP betanet_router_requests_total Requests by transport and outcome
      # TYPE betanet_router_requests_total counter
      betanet_router_requests_total{outcome="ok",transport="mixnet"} 90.0
      betanet_router_requests_total{outcome="error",transport="mixnet"} 10.0
      betanet_router_requests_total{outcome="rejected",transport="mixnet"} 4.0
      betanet_router_requests_total{outcome="ok",transport="fallback"} 300.0
      # HELP betanet_router_request_seconds Request latency
      # TYPE betanet_router_request_seconds histogram
      betanet_router_request_seconds_bucket{transport="mixnet",le="0.1"} 50.0
      betanet_router_request_seconds_bucket{transport="mixnet",le="0.2"} 90.0
      betanet_router_request_seconds_bucket{transport="mixnet",le="0.5"} 100.0
      betanet_router_request_seconds_bucket{transport="mixnet",le="+Inf"} 100.0
      betanet_router_request_seconds_count{transport="mixnet"} 100.0
      betanet_router_request_seconds_sum{transport="mixnet"} 12.5
      # TYPE betanet_router_canary_weight gauge
      betanet_router_canary_weight 25.0
      """;

  @Test
  void parsesCountersHistogramsAndGauges() throws Exception {
    List<Sample> samples = PrometheusText.parse(ROUTER_PAGE);

    assertThat(samples).hasSize(11);
    assertThat(samples.getFirst())
        .isEqualTo(
            new Sample(
                "betanet_router_requests_total",
                java.util.Map.of("outcome", "ok", "transport", "mixnet"),
                90.0));
    assertThat(samples.get(7).label("le")).isEqualTo("+Inf");
    assertThat(samples.getLast().labels()).isEmpty();
    assertThat(samples.getLast().value()).isEqualTo(25.0);
  }

  @Test
  void readsEscapedLabelValuesSpecialValuesAndTimestamps() throws Exception {
    List<Sample> samples =
        PrometheusText.parse(
            """
            a{path="C:\\\\dir",quote="say \\"hi\\"",nl="x\\ny"} NaN
            b +Inf 1700000000000
            c{} -Inf
            """);

    assertThat(samples.get(0).labels())
        .containsEntry("path", "C:\\dir")
        .containsEntry("quote", "say \"hi\"")
        .containsEntry("nl", "x\ny");
    assertThat(samples.get(0).value()).isNaN();
    assertThat(samples.get(1).value()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(samples.get(2).value()).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void rejectsAMalformedLineNamingIt() {
    assertThatThrownBy(() -> PrometheusText.parse("ok 1\nbroken{a=\"b\" 2\n"))
        .isInstanceOf(PrometheusText.FormatException.class)
        .hasMessageContaining("metrics line 2");
    assertThatThrownBy(() -> PrometheusText.parse("x{a=\"unterminated} 1"))
        .hasMessageContaining("unterminated label value");
    assertThatThrownBy(() -> PrometheusText.parse("x twelve"))
        .hasMessageContaining("not a number: twelve");
  }
}
