package dev.betanet.protocol.mixing;

import dev.betanet.protocol.replay.ReplayWindow;
import java.util.random.RandomGenerator;

/**
 * The exponential distribution of Poisson mixing, in whole milliseconds: the per-hop delays a
 * sender puts in its packets, the gaps between cover packets, and the longest per-hop delay a node
 * agrees to hold a packet for. The one place this is written down, so senders and mixnodes cannot
 * drift apart.
 *
 * <p>Why a ceiling: a sender chooses each hop's delay (0..2^32-1 ms in the routing slot), so
 * without one a sender could fill a mixnode's bounded delay pool with packets held for weeks.
 * Honest senders draw from an exponential with the topology's mean; its quantile at {@code 1 -
 * }{@link #TAIL_PROBABILITY} ({@code mean * ln(1 / TAIL)} ≈ 13.8 × mean) is as far as an honest
 * draw goes but once in a million, and {@link #drawBelow} never goes past it. A delay past the
 * replay window's {@code maxAge} could not arrive in time at the next hop anyway, so the ceiling
 * never exceeds it.
 */
public final class ExponentialDelay {

  /** The probability an untruncated exponential draw exceeds {@link #ceilingMillis}. */
  public static final double TAIL_PROBABILITY = 1e-6;

  private static final double TAIL_MEANS = Math.log(1 / TAIL_PROBABILITY);

  private ExponentialDelay() {}

  /**
   * An exponentially distributed value with mean {@code meanMillis}, rounded to whole milliseconds;
   * 0 when the mean is 0 or negative (mixing or cover traffic switched off).
   */
  public static long draw(long meanMillis, RandomGenerator random) {
    if (meanMillis <= 0) {
      return 0;
    }
    // log1p(-u) with u in [0, 1): never log(0).
    return Math.round(-Math.log1p(-random.nextDouble()) * meanMillis);
  }

  /**
   * A per-hop delay: exponential with mean {@code meanMillis} truncated at {@link
   * #ceilingMillis(long, ReplayWindow)}, so every hop of an honest packet accepts it. Drawn by the
   * inverse of the truncated distribution's CDF (one uniform, no rejection loop); the truncation
   * removes {@link #TAIL_PROBABILITY} of the mass, which leaves the distribution memoryless to
   * within that.
   */
  public static long drawBelow(long meanMillis, ReplayWindow window, RandomGenerator random) {
    long ceiling = ceilingMillis(meanMillis, window);
    if (ceiling == 0) {
      return 0;
    }
    double keptMass = -Math.expm1(-(double) ceiling / meanMillis); // 1 - e^(-ceiling/mean)
    double delay = -Math.log1p(-random.nextDouble() * keptMass) * meanMillis;
    return Math.min(ceiling, Math.round(delay));
  }

  /**
   * The longest per-hop delay a node holds a packet for under mixing mean {@code meanMillis}: the
   * exponential's {@code 1 - }{@link #TAIL_PROBABILITY} quantile, rounded up, and never more than
   * {@code window.maxAge()}. 0 when the mean is 0 (mixing off: honest senders put no delay).
   */
  public static long ceilingMillis(long meanMillis, ReplayWindow window) {
    if (meanMillis <= 0) {
      return 0;
    }
    long quantile = (long) Math.ceil(meanMillis * TAIL_MEANS);
    return Math.min(quantile, window.maxAge().toMillis());
  }
}
