package dev.betanet.router.state;

/** The two ways a flow can reach its exit router; {@link #label()} is the metrics label. */
public enum Transport {
  /** Through the mix layers, with SURB replies: the anonymous path. */
  MIXNET("mixnet"),
  /** The direct, encrypted single-hop tunnel to the exit router (port 1790): not anonymous. */
  FALLBACK("fallback");

  private final String label;

  Transport(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
