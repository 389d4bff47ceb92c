package dev.betanet.bench.common;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/** Latencies of one kind of request, sorted, with nearest-rank percentiles. */
public record Latencies(long[] sortedNanos) {

  public static final Latencies NONE = new Latencies(new long[0]);

  public static Latencies of(Collection<Long> nanos) {
    long[] values = nanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(values);
    return new Latencies(values);
  }

  public Latencies plus(Latencies other) {
    long[] values = Arrays.copyOf(sortedNanos, sortedNanos.length + other.sortedNanos.length);
    System.arraycopy(other.sortedNanos, 0, values, sortedNanos.length, other.sortedNanos.length);
    Arrays.sort(values);
    return new Latencies(values);
  }

  public int count() {
    return sortedNanos.length;
  }

  /** The nearest-rank {@code q} quantile in milliseconds; NaN when there is none. */
  public double millis(double q) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int rank = Math.max(1, (int) Math.ceil(q * sortedNanos.length));
    return sortedNanos[rank - 1] / 1e6;
  }

  /** "p50 / p95" in milliseconds, or a dash when there is nothing to report. */
  public String p50p95() {
    return sortedNanos.length == 0
        ? "–"
        : String.format(Locale.ROOT, "%.1f / %.1f", millis(0.50), millis(0.95));
  }
}
