package dev.betanet.operator.anonymity;

/**
 * The expected departure entropy of a mixnode whose pool is an M/M/∞ queue (docs/anonymity.md,
 * "What to expect: Loopix's pool"): a departing packet leaves from 1 + K packets, K ~ Poisson(λ/μ),
 * so E[H] = Σ_k P(K = k) log₂(1 + k). What the tests' mixnodes report for a given mean pool, so
 * entropy moves with the cover rate as a real node's would.
 */
public final class LoopixPool {

  private LoopixPool() {}

  /** E[log₂(1 + K)], K ~ Poisson({@code meanPool}); 3.395 bits at 10. */
  public static double entropyBits(double meanPool) {
    if (meanPool <= 0) {
      return 0;
    }
    double p = Math.exp(-meanPool);
    double sum = 0;
    double mass = p;
    // Enough terms that the tail is below 1e-12 for any pool a test uses.
    int terms = (int) (meanPool + 20 * Math.sqrt(meanPool) + 30);
    for (int k = 1; k <= terms; k++) {
      p *= meanPool / k;
      mass += p;
      sum += p * Math.log(1 + k) / Math.log(2);
    }
    if (mass < 1 - 1e-9) {
      throw new IllegalStateException("BUG: Poisson mass " + mass + " not summed to 1");
    }
    return sum;
  }
}
