package dev.betanet.operator.analysis;

import dev.betanet.operator.analysis.RequestCounts.TransportCounts;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a transport did between two scrapes, over any number of routers: requests that succeeded,
 * failed, and their latency histogram. Built like Prometheus's {@code increase()}: a counter that
 * went down means the router restarted, and its whole current value is new.
 */
public record Window(double ok, double errors, TreeMap<Double, Double> buckets)
    implements RequestStats {

  public static final Window EMPTY = new Window(0, 0, new TreeMap<>());

  /**
   * What happened on one router between {@code before} (null: nothing seen yet) and {@code after}.
   */
  public static Window between(TransportCounts before, TransportCounts after) {
    boolean restarted =
        before != null
            && (after.ok() < before.ok()
                || after.errors() < before.errors()
                || after.buckets().entrySet().stream()
                    .anyMatch(e -> e.getValue() < before.buckets().getOrDefault(e.getKey(), 0.0)));
    if (before == null || restarted) {
      return new Window(after.ok(), after.errors(), new TreeMap<>(after.buckets()));
    }
    TreeMap<Double, Double> buckets = new TreeMap<>();
    for (Map.Entry<Double, Double> bucket : after.buckets().entrySet()) {
      buckets.put(
          bucket.getKey(), bucket.getValue() - before.buckets().getOrDefault(bucket.getKey(), 0.0));
    }
    return new Window(after.ok() - before.ok(), after.errors() - before.errors(), buckets);
  }

  public Window plus(Window other) {
    TreeMap<Double, Double> sum = new TreeMap<>(buckets);
    other.buckets.forEach((le, count) -> sum.merge(le, count, Double::sum));
    return new Window(ok + other.ok, errors + other.errors, sum);
  }

  /** Requests that count for the error rate. */
  @Override
  public long samples() {
    return Math.round(ok + errors);
  }

  /** Failed ÷ judged requests; 0 with no requests. */
  @Override
  public double errorRate() {
    double judged = ok + errors;
    return judged == 0 ? 0 : errors / judged;
  }

  @Override
  public double p95Seconds() {
    return quantileSeconds(0.95);
  }

  /**
   * The {@code q} quantile of latency in seconds, interpolated linearly inside its bucket as
   * Prometheus's {@code histogram_quantile} does; NaN when the histogram is empty. A quantile in
   * the open-ended {@code +Inf} bucket is reported as the largest finite bound.
   */
  public double quantileSeconds(double q) {
    Double total = buckets.get(Double.POSITIVE_INFINITY);
    if (total == null || total <= 0) {
      return Double.NaN;
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
      double le = bucket.getKey();
      double count = bucket.getValue();
      if (count >= rank) {
        if (le == Double.POSITIVE_INFINITY) {
          return lowerBound;
        }
        double inBucket = count - lowerCount;
        return inBucket <= 0 ? le : lowerBound + (le - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = le;
      lowerCount = count;
    }
    return lowerBound;
  }
}
