package dev.betanet.protocol.replay;

import java.time.Duration;

/**
 * Which timestamps a node accepts: from {@code maxAge} in the past to {@code maxSkew} in the future
 * (clock skew between the sender and this node).
 *
 * <p>A packet's tag must be remembered for as long as its timestamp is accepted, at most {@code
 * maxAge + maxSkew} after it arrives: that is the {@link #period()} of the filter's rotation.
 * {@code maxAge} also bounds how long a SURB stays usable and the whole path latency.
 */
public record ReplayWindow(Duration maxAge, Duration maxSkew) {

  /** Two minutes back, five seconds ahead. */
  public static final ReplayWindow DEFAULT =
      new ReplayWindow(Duration.ofMinutes(2), Duration.ofSeconds(5));

  public ReplayWindow {
    if (maxAge.isNegative() || maxAge.isZero() || maxSkew.isNegative()) {
      throw new IllegalArgumentException("maxAge must be positive and maxSkew not negative");
    }
  }

  /** How long a tag is kept at least: {@code maxAge + maxSkew}. */
  public Duration period() {
    return maxAge.plus(maxSkew);
  }

  /** True when {@code timestampMillis} is acceptable at {@code nowMillis}. */
  public boolean accepts(long timestampMillis, long nowMillis) {
    return timestampMillis >= nowMillis - maxAge.toMillis()
        && timestampMillis <= nowMillis + maxSkew.toMillis();
  }
}
