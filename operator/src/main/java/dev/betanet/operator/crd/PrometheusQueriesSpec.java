package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Per-metric PromQL overrides for the Prometheus analysis provider; an absent field keeps the
 * default query.
 */
public class PrometheusQueriesSpec {

  @JsonPropertyDescription("Share of failed mixnet requests in the window, one series, 0 to 1.")
  public String errorRate;

  @JsonPropertyDescription("95th-percentile mixnet request latency in the window, seconds.")
  public String p95;

  @JsonPropertyDescription("Mixnet requests judged in the window, one series.")
  public String samples;

  @JsonPropertyDescription(
      "One series per router with its pod label, 1 when Prometheus's last scrape of it"
          + " succeeded.")
  public String routersUp;
}
