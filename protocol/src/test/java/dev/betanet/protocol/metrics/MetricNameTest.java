package dev.betanet.protocol.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetricNameTest {

  @Test
  void counterGainsTotalAsPrometheusExportsIt() {
    assertThat(MetricNames.ROUTER_REQUESTS.prometheus()).isEqualTo("betanet_router_requests_total");
  }

  @Test
  void timerExportsSecondsHistogramSeries() {
    assertThat(MetricNames.ROUTER_REQUEST_SECONDS.buckets())
        .isEqualTo("betanet_router_request_seconds_bucket");
    assertThat(MetricNames.ROUTER_REQUEST_SECONDS.count())
        .isEqualTo("betanet_router_request_seconds_count");
  }

  @Test
  void gaugeKeepsItsName() {
    assertThat(MetricNames.MIXNODE_POOL_PACKETS.prometheus())
        .isEqualTo("betanet_mixnode_pool_packets");
  }

  @Test
  void refusesBucketsOfACounter() {
    assertThatThrownBy(MetricNames.ROUTER_REQUESTS::buckets)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not a timer");
  }
}
