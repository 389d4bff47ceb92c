package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where the canary progression stands ({@code status.canary.phase}). */
public enum CanaryPhase {
  /** Weight 0 and nothing to do: no flow uses the mixnet. */
  IDLE("Idle"),
  /** A step is in force and being observed before the next. */
  PROGRESSING("Progressing"),
  /** {@code spec.canary.paused}: the weight is held where it is. */
  PAUSED("Paused"),
  /** The desired weight is in force. */
  PROMOTED("Promoted"),
  /** A step breached the analysis limits; the weight went back to the last good value. */
  ROLLED_BACK("RolledBack");

  private final String value;

  CanaryPhase(String value) {
    this.value = value;
  }

  @JsonValue
  public String value() {
    return value;
  }
}
