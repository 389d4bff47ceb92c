package dev.betanet.operator.analysis;

/**
 * A transport's window as Prometheus answered it: {@code increase()} over the window, so the sample
 * count may be fractional (PromQL extrapolates to the window's edges) and is rounded here.
 *
 * @param judged requests in the window, as Prometheus computed them
 * @param errorRate failed ÷ judged, 0..1
 * @param p95Seconds NaN when the histogram had no observations
 */
public record QueriedStats(double judged, double errorRate, double p95Seconds)
    implements RequestStats {

  @Override
  public long samples() {
    return Math.round(judged);
  }

  @Override
  public double errors() {
    return errorRate * judged;
  }
}
