package dev.betanet.operator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A real HTTP server on a loopback port serving a router's {@code /q/metrics} page in the
 * Prometheus text format Micrometer writes, with counters the test moves forward: what the
 * operator's canary analysis reads from each router pod.
 */
final class RouterMetricsEndpoint implements AutoCloseable {

  /** Latency bucket bounds in seconds, as the router's histogram publishes them. */
  private static final double[] BOUNDS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

  private final HttpServer server;
  private long mixnetOk;
  private long mixnetErrors;
  private long fallbackOk;
  private final long[] mixnetBuckets = new long[BOUNDS.length];
  private long mixnetLatencies;
  private double mixnetSeconds;
  private int scrapes;

  RouterMetricsEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/q/metrics",
        exchange -> {
          byte[] body = page().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Counts {@code ok} served and {@code errors} failed mixnet requests, each taking {@code s}. */
  synchronized void mixnet(long ok, long errors, double seconds) {
    mixnetOk += ok;
    mixnetErrors += errors;
    for (int i = 0; i < BOUNDS.length; i++) {
      if (seconds <= BOUNDS[i]) {
        mixnetBuckets[i] += ok + errors;
      }
    }
    mixnetLatencies += ok + errors;
    mixnetSeconds += seconds * (ok + errors);
  }

  synchronized void fallback(long ok) {
    fallbackOk += ok;
  }

  synchronized int scrapes() {
    return scrapes;
  }

  private synchronized String page() {
    scrapes++;
    StringBuilder page = new StringBuilder();
    page.append("# TYPE betanet_router_requests_total counter\n");
    counter(page, "mixnet", "ok", mixnetOk);
    counter(page, "mixnet", "error", mixnetErrors);
    counter(page, "mixnet", "rejected", 3);
    counter(page, "fallback", "ok", fallbackOk);
    page.append("# TYPE betanet_router_request_seconds histogram\n");
    for (int i = 0; i < BOUNDS.length; i++) {
      page.append(
          String.format(
              Locale.ROOT,
              "betanet_router_request_seconds_bucket{transport=\"mixnet\",le=\"%s\"} %d.0%n",
              BOUNDS[i],
              mixnetBuckets[i]));
    }
    page.append(
        "betanet_router_request_seconds_bucket{transport=\"mixnet\",le=\"+Inf\"} "
            + mixnetLatencies
            + ".0\n");
    page.append(
        "betanet_router_request_seconds_count{transport=\"mixnet\"} " + mixnetLatencies + ".0\n");
    page.append(
        String.format(
            Locale.ROOT,
            "betanet_router_request_seconds_sum{transport=\"mixnet\"} %.3f%n",
            mixnetSeconds));
    page.append("# TYPE betanet_router_downgrades_total counter\n");
    page.append("betanet_router_downgrades_total 0.0\n");
    return page.toString();
  }

  private static void counter(StringBuilder page, String transport, String outcome, long value) {
    page.append("betanet_router_requests_total{outcome=\"")
        .append(outcome)
        .append("\",transport=\"")
        .append(transport)
        .append("\"} ")
        .append(value)
        .append(".0\n");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
