package dev.betanet.operator;

import dev.betanet.operator.analysis.RequestCounts;
import dev.betanet.operator.analysis.RouterPage;
import dev.betanet.protocol.metrics.MetricNames;
import java.io.IOException;
import java.util.Map;

/**
 * A real HTTP server on a loopback port serving a router's {@code /q/metrics} page: the recorded
 * real router scrape ({@link RouterPage}), with request counters and latency histograms the test
 * moves forward from the recorded values. What the operator's canary analysis reads from each
 * router pod.
 */
final class RouterMetricsEndpoint implements AutoCloseable {

  private static final String REQUESTS = MetricNames.ROUTER_REQUESTS.prometheus();
  private static final String BUCKETS = MetricNames.ROUTER_REQUEST_SECONDS.buckets();
  private static final String COUNT = MetricNames.ROUTER_REQUEST_SECONDS.count();
  private static final String SUM = MetricNames.ROUTER_REQUEST_SECONDS.sum();

  /** The latency of fallback requests; the canary judges only the mixnet's. */
  private static final double FALLBACK_SECONDS = 0.02;

  private final MetricsPageServer server;
  private final RouterPage page = RouterPage.recorded();
  private int scrapes;

  /** Wall-clock milliseconds of the last change to the counters: Prometheus stamps scrapes so. */
  private long changedAtMillis = System.currentTimeMillis();

  RouterMetricsEndpoint() throws IOException {
    server = new MetricsPageServer(this::page);
  }

  int port() {
    return server.port();
  }

  /** Counts {@code ok} served and {@code errors} failed mixnet requests, each taking {@code s}. */
  synchronized void mixnet(long ok, long errors, double seconds) {
    changedAtMillis = System.currentTimeMillis();
    page.add(REQUESTS, requests(RequestCounts.MIXNET, RequestCounts.OK), ok);
    page.add(REQUESTS, requests(RequestCounts.MIXNET, "error"), errors);
    latency(RequestCounts.MIXNET, ok + errors, seconds);
  }

  synchronized void fallback(long ok) {
    changedAtMillis = System.currentTimeMillis();
    page.add(REQUESTS, requests(RequestCounts.FALLBACK, RequestCounts.OK), ok);
    latency(RequestCounts.FALLBACK, ok, FALLBACK_SECONDS);
  }

  /** When the counters last changed (wall clock, ms): a scrape that began later shows them. */
  synchronized long changedAtMillis() {
    return changedAtMillis;
  }

  synchronized int scrapes() {
    return scrapes;
  }

  private void latency(String transport, long requests, double seconds) {
    Map<String, String> labels = Map.of("transport", transport);
    for (String le : page.bounds(BUCKETS, labels)) {
      if (seconds <= Double.parseDouble(le)) {
        page.add(BUCKETS, Map.of("transport", transport, "le", le), requests);
      }
    }
    page.add(BUCKETS, Map.of("transport", transport, "le", "+Inf"), requests);
    page.add(COUNT, labels, requests);
    page.add(SUM, labels, seconds * requests);
  }

  private static Map<String, String> requests(String transport, String outcome) {
    return Map.of("transport", transport, "outcome", outcome);
  }

  private synchronized String page() {
    scrapes++;
    return page.text();
  }

  @Override
  public void close() {
    server.close();
  }
}
