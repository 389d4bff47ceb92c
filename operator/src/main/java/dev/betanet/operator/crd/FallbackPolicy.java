package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonValue;

/** The spec's spelling of the topology's fallback policy. */
public enum FallbackPolicy {
  FALLBACK("fallback"),
  STRICT("strict");

  private final String value;

  FallbackPolicy(String value) {
    this.value = value;
  }

  @JsonValue
  public String value() {
    return value;
  }
}
