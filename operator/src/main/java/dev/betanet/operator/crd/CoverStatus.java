package dev.betanet.operator.crd;

/** The cover rate the operator publishes in the topology, and why. */
public class CoverStatus {

  /** {@code fixed} or {@code adaptive}, from the spec. */
  public CoverTrafficMode mode;

  /** Cover packets per second per node, published as {@code mixing.coverMeanIntervalMillis}. */
  public int ratePerSecond;

  /** When adaptive cover last changed the rate (RFC 3339); null when it never did. */
  public String lastChangeAt;

  /**
   * What the last decision was, a CamelCase word: Fixed; adaptive: Raised, Lowered, AtTarget,
   * AtCap, Waiting (a change is still taking effect), NotMeasured.
   */
  public String reason;

  /** What adaptive cover decided last, for people. */
  public String message;
}
