package dev.betanet.local.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  @Test
  void prometheusTextSumsCountersByLabelAndSkipsWhatItCannotRead() {
    PrometheusText text =
        PrometheusText.parse(
            """
            # HELP betanet_mixnode_packets_total packets by result
            # TYPE betanet_mixnode_packets_total counter
            betanet_mixnode_packets_total{result="forwarded",node="a"} 1200.0
            betanet_mixnode_packets_total{result="forwarded",node="b"} 34.0
            betanet_mixnode_packets_total{result="replayed"} 2.0
            betanet_mixnode_packets_total_created{result="forwarded"} 1.7e9
            betanet_router_canary_weight 50.0
            garbage line
            betanet_mixnode_packets_total{result="invalid"} NaNish
            """);

    assertThat(text.sumBy("betanet_mixnode_packets_total", "result"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("forwarded", 1234.0, "replayed", 2.0));
    assertThat(text.sum("betanet_router_canary_weight")).isEqualTo(50.0);
    assertThat(text.sum("betanet_router_requests_total")).isNaN();
  }
}
