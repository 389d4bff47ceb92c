package dev.betanet.operator.analysis;

import java.time.Duration;
import java.util.Locale;

/**
 * Judges one canary step by what the routers measured on the mixnet transport during it: advance,
 * hold (not enough evidence yet) or roll back (a threshold is breached).
 */
public final class CanaryJudge {

  /**
   * @param maxErrorRate highest tolerated share of failed mixnet requests, 0..1
   * @param maxP95 highest tolerated 95th-percentile mixnet request latency
   * @param minSamples mixnet requests a step needs before it may advance
   */
  public record Thresholds(double maxErrorRate, Duration maxP95, long minSamples) {}

  /** What to do with the current step. */
  public enum Decision {
    ADVANCE,
    HOLD,
    ROLLBACK
  }

  /**
   * @param reason a CamelCase word for status conditions and events
   * @param message the numbers behind it, for people
   */
  public record Verdict(Decision decision, String reason, String message) {}

  private final Thresholds thresholds;

  public CanaryJudge(Thresholds thresholds) {
    this.thresholds = thresholds;
  }

  /**
   * @param mixnet the mixnet transport's window over every router that answered, from whichever
   *     provider measured it
   * @param answered routers whose metrics were read for this step
   */
  public Verdict judge(RequestStats mixnet, int answered) {
    if (answered == 0) {
      return new Verdict(Decision.HOLD, "NoMetrics", "no router answered its metrics endpoint");
    }
    long samples = mixnet.samples();
    // Enough failures that the rate would breach even if every missing sample succeeded.
    boolean errorsAlreadyDecide =
        mixnet.errors() > thresholds.maxErrorRate() * thresholds.minSamples();
    if (samples < thresholds.minSamples() && !errorsAlreadyDecide) {
      return new Verdict(
          Decision.HOLD,
          "InsufficientSamples",
          samples + " of " + thresholds.minSamples() + " mixnet requests needed for this step");
    }
    double denominator = Math.max(samples, thresholds.minSamples());
    double errorRate = mixnet.errors() / denominator;
    if (errorRate > thresholds.maxErrorRate()) {
      return new Verdict(
          Decision.ROLLBACK,
          "ErrorRateExceeded",
          String.format(
              Locale.ROOT,
              "mixnet error rate %.2f%% (%d failed of %d) above %.2f%%",
              100 * errorRate,
              Math.round(mixnet.errors()),
              samples,
              100 * thresholds.maxErrorRate()));
    }
    double p95 = mixnet.p95Seconds();
    double maxP95 = thresholds.maxP95().toNanos() / 1e9;
    if (!Double.isNaN(p95) && p95 > maxP95) {
      return new Verdict(
          Decision.ROLLBACK,
          "LatencyExceeded",
          String.format(
              Locale.ROOT,
              "mixnet p95 latency %.3f s above %.3f s over %d requests",
              p95,
              maxP95,
              samples));
    }
    return new Verdict(
        Decision.ADVANCE,
        "Healthy",
        String.format(
            Locale.ROOT,
            "mixnet error rate %.2f%%, p95 %s over %d requests",
            100 * errorRate,
            Double.isNaN(p95) ? "unknown" : String.format(Locale.ROOT, "%.3f s", p95),
            samples));
  }
}
