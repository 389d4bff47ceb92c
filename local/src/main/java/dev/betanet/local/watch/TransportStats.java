package dev.betanet.local.watch;

import java.util.Map;
import java.util.TreeMap;

/**
 * Rates and latency of one transport between two samples: requests per second, the share that did
 * not end {@code ok}, and p50/p95 from the difference of the cumulative histogram buckets (the
 * upper bound of the bucket that holds the quantile, as Prometheus' histogram_quantile would
 * interpolate it; here, simply the bound).
 */
public record TransportStats(
    double requestsPerSecond,
    double errorRate,
    double p50Seconds,
    double p95Seconds,
    double count) {

  public static TransportStats between(
      MetricsSample before, MetricsSample after, String transport, double seconds) {
    double total = after.count(transport, null) - before.count(transport, null);
    double ok = after.count(transport, "ok") - before.count(transport, "ok");
    Map<Double, Double> delta = new TreeMap<>();
    Map<Double, Double> old = before.buckets().getOrDefault(transport, Map.of());
    after
        .buckets()
        .getOrDefault(transport, Map.of())
        .forEach((le, v) -> delta.put(le, v - old.getOrDefault(le, 0.0)));
    return new TransportStats(
        seconds > 0 ? total / seconds : 0,
        total > 0 ? (total - ok) / total : 0,
        quantile(delta, 0.50),
        quantile(delta, 0.95),
        total);
  }

  /** NaN when there were no timed requests. */
  static double quantile(Map<Double, Double> cumulative, double q) {
    double count = cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    if (count <= 0) {
      return Double.NaN;
    }
    for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
      if (bucket.getValue() >= q * count) {
        return bucket.getKey();
      }
    }
    return Double.POSITIVE_INFINITY;
  }
}
