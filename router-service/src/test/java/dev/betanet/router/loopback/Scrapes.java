package dev.betanet.router.loopback;

import dev.betanet.protocol.metrics.MetricNames;

/** Reading values out of Prometheus text in tests. */
final class Scrapes {

  private Scrapes() {}

  /**
   * The value of one exact series (name and labels as Micrometer writes them). A counter series
   * with label values that never occurred reads 0 (Micrometer creates it on first use), but only
   * when the scrape declares the counter; any other absent series fails the test, so a renamed
   * metric never reads as zero.
   */
  static double value(String scrape, String series) {
    int labels = series.indexOf('{');
    String family = labels < 0 ? series : series.substring(0, labels);
    return scrape
        .lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
        .findFirst()
        .orElseGet(
            () -> {
              if (labels > 0 && scrape.contains("# TYPE " + family + " counter\n")) {
                return 0;
              }
              throw new AssertionError("no series " + series + " in the scrape");
            });
  }

  /** The value of one exact series; fails when the series is missing (never reads it as 0). */
  static double required(String scrape, String series) {
    return scrape
        .lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no series " + series + " in the scrape"));
  }

  /** {@code betanet_router_proxy_refused_total{reason}}; fails when missing. */
  static double proxyRefused(String scrape, String reason) {
    return required(
        scrape,
        dev.betanet.protocol.metrics.MetricNames.ROUTER_PROXY_REFUSED.prometheus()
            + "{reason=\""
            + reason
            + "\",}");
  }

  /**
   * The sum of every series of a metric name, across all label values; fails the test when the
   * scrape has no series of that name.
   */
  static double sum(String scrape, String name) {
    double[] values =
        scrape
            .lines()
            .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
            .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
            .toArray();
    if (values.length == 0) {
      throw new AssertionError("no series of " + name + " in the scrape");
    }
    return java.util.Arrays.stream(values).sum();
  }

  static String requests(String transport, String outcome) {
    return MetricNames.ROUTER_REQUESTS.prometheus()
        + "{outcome=\""
        + outcome
        + "\",transport=\""
        + transport
        + "\",}";
  }
}
