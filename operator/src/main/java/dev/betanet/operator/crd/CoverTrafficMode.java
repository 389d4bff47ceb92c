package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonValue;

/** How the cover rate published in the topology is chosen ({@code spec.coverTraffic.mode}). */
public enum CoverTrafficMode {
  /** {@code spec.coverTraffic.rate}, as written. */
  FIXED("fixed"),
  /**
   * The operator moves the rate, up to {@code maxRate}, so the weakest mix layer's departure
   * entropy stays at {@code targetEntropyBits} ({@code AdaptiveCover}).
   */
  ADAPTIVE("adaptive");

  private final String value;

  CoverTrafficMode(String value) {
    this.value = value;
  }

  @JsonValue
  public String value() {
    return value;
  }
}
