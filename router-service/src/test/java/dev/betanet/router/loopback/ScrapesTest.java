package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScrapesTest {

  private static final String SCRAPE =
      """
      # TYPE betanet_router_requests_total counter
      betanet_router_requests_total{outcome="ok",transport="mixnet",} 3.0
      # TYPE betanet_router_canary_weight gauge
      betanet_router_canary_weight 30.0
      """;

  @Test
  void readsAnExactSeries() {
    assertThat(Scrapes.value(SCRAPE, Scrapes.requests("mixnet", "ok"))).isEqualTo(3.0);
  }

  @Test
  void readsZeroForLabelValuesOfADeclaredCounterThatNeverOccurred() {
    assertThat(Scrapes.value(SCRAPE, Scrapes.requests("mixnet", "error"))).isZero();
  }

  @Test
  void failsOnAMetricTheScrapeDoesNotHave() {
    assertThatThrownBy(() -> Scrapes.value(SCRAPE, "betanet_router_renamed_total{a=\"b\",}"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no series");
    assertThatThrownBy(() -> Scrapes.value(SCRAPE, "betanet_router_inflight_requests"))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> Scrapes.sum(SCRAPE, "betanet_router_downgrades_total"))
        .isInstanceOf(AssertionError.class);
  }
}
