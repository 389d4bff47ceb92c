package dev.betanet.router.split;

import dev.betanet.router.state.Transport;
import java.util.function.IntSupplier;
import java.util.random.RandomGenerator;

/**
 * Draws the transport of each new flow: the mixnet with probability weight/100. The weight is read
 * at every draw from the topology in force, so a change applies to the next flow; 0 and 100 are
 * decided without drawing, so they are exact. The random source is injected so a test can seed it
 * and check the share against fixed bounds with the real code.
 */
public final class CanarySplit {

  private final IntSupplier weight;
  private final RandomGenerator random;

  /**
   * @param weight the canary weight in force, percent of new flows on the mixnet (clamped to
   *     0..100)
   * @param random the draw for weights strictly between 0 and 100; used under this object's lock
   */
  public CanarySplit(IntSupplier weight, RandomGenerator random) {
    this.weight = weight;
    this.random = random;
  }

  public Transport next() {
    int w = weight.getAsInt();
    if (w <= 0) {
      return Transport.FALLBACK;
    }
    if (w >= 100) {
      return Transport.MIXNET;
    }
    int draw;
    synchronized (this) {
      draw = random.nextInt(100);
    }
    return draw < w ? Transport.MIXNET : Transport.FALLBACK;
  }
}
