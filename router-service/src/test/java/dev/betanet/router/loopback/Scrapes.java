package dev.betanet.router.loopback;

/** Reading values out of Prometheus text in tests. */
final class Scrapes {

  private Scrapes() {}

  /** The value of one exact series (name and labels as Micrometer writes them), 0 when absent. */
  static double value(String scrape, String series) {
    return scrape
        .lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
        .findFirst()
        .orElse(0);
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

  /** The sum of every series of a metric name, across all label values. */
  static double sum(String scrape, String name) {
    return scrape
        .lines()
        .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  static String requests(String transport, String outcome) {
    return "betanet_router_requests_total{outcome=\""
        + outcome
        + "\",transport=\""
        + transport
        + "\",}";
  }
}
