package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where the canary analysis reads the routers' request metrics from. */
public enum AnalysisProvider {
  /** The operator scrapes every router's management port itself. */
  DIRECT("direct"),
  /** The operator asks a Prometheus server with PromQL. */
  PROMETHEUS("prometheus");

  private final String value;

  AnalysisProvider(String value) {
    this.value = value;
  }

  @JsonValue
  public String value() {
    return value;
  }
}
