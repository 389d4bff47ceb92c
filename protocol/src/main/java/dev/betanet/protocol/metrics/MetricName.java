package dev.betanet.protocol.metrics;

/**
 * One metric's name in both spellings: the dotted Micrometer name a service registers, and the name
 * Prometheus shows in a scrape (dots become underscores; counters gain {@code _total}, timers
 * {@code _seconds}). Everything that reads a scrape (the operator, {@code make watch}, the bench,
 * the tests) takes the Prometheus spelling from here, so a renamed metric breaks the build instead
 * of silently reading nothing.
 *
 * @param meter the Micrometer name, e.g. {@code betanet.router.requests}
 * @param kind how Prometheus exports it
 */
public record MetricName(String meter, Kind kind) {

  /** The Micrometer meter type, which decides the suffix Prometheus adds. */
  public enum Kind {
    COUNTER,
    GAUGE,
    TIMER
  }

  public MetricName {
    if (!meter.matches("[a-z][a-z0-9]*(\\.[a-z0-9]+)*")) {
      throw new IllegalArgumentException("BUG: not a dotted lower-case meter name: " + meter);
    }
  }

  /** The series name in a scrape: {@code betanet_router_requests_total}. */
  public String prometheus() {
    String base = meter.replace('.', '_');
    return switch (kind) {
      case COUNTER -> base + "_total";
      case GAUGE -> base;
      case TIMER -> base + "_seconds";
    };
  }

  /** A timer's histogram bucket series: {@code betanet_router_request_seconds_bucket}. */
  public String buckets() {
    return histogramPart("_bucket");
  }

  /** A timer's observation count series. */
  public String count() {
    return histogramPart("_count");
  }

  /** A timer's sum series. */
  public String sum() {
    return histogramPart("_sum");
  }

  private String histogramPart(String suffix) {
    if (kind != Kind.TIMER) {
      throw new IllegalStateException("BUG: " + meter + " is a " + kind + ", not a timer");
    }
    return prometheus() + suffix;
  }
}
