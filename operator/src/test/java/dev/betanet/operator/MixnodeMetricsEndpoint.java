package dev.betanet.operator;

import dev.betanet.operator.anonymity.LoopixPool;
import dev.betanet.protocol.metrics.MetricName;
import dev.betanet.protocol.metrics.MetricNames;
import java.io.IOException;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * A real HTTP server on a loopback port serving a mixnode's {@code /q/metrics} pool series, in the
 * Prometheus text the node's Micrometer registry writes. The mean pool comes from the test (it may
 * follow the cover rate the operator publishes); the entropy is what a node with that mean pool
 * measures under Poisson arrivals and exponential delays ({@link LoopixPool}), so the operator
 * reads what a real node would report for that load.
 */
final class MixnodeMetricsEndpoint implements AutoCloseable {

  private final MetricsPageServer server;
  private final DoubleSupplier meanPool;
  private double forwarded;
  private int scrapes;

  MixnodeMetricsEndpoint(DoubleSupplier meanPool) throws IOException {
    this.meanPool = meanPool;
    server = new MetricsPageServer(this::page);
  }

  int port() {
    return server.port();
  }

  synchronized int scrapes() {
    return scrapes;
  }

  private synchronized String page() {
    scrapes++;
    double pool = meanPool.getAsDouble();
    // Packets leave at N̄·μ per second (Little's law, 50 ms mean delay); one scrape a second.
    forwarded += pool / 0.05;
    StringBuilder page = new StringBuilder();
    gauge(page, MetricNames.MIXNODE_DEPARTURE_ENTROPY_BITS, LoopixPool.entropyBits(pool));
    gauge(page, MetricNames.MIXNODE_POOL_MEAN_PACKETS, pool);
    gauge(page, MetricNames.MIXNODE_POOL_PACKETS, Math.round(pool));
    String packets = MetricNames.MIXNODE_PACKETS.prometheus();
    page.append("# HELP ").append(packets).append(" Packets by what became of them\n");
    page.append("# TYPE ").append(packets).append(" counter\n");
    for (String result : new String[] {"forwarded", "replayed", "invalid", "delivered"}) {
      double value = result.equals("forwarded") ? forwarded : 0;
      page.append(packets)
          .append("{result=\"")
          .append(result)
          .append("\",} ")
          .append(number(value))
          .append('\n');
    }
    String cover = MetricNames.MIXNODE_COVER_PACKETS.prometheus();
    page.append("# TYPE ").append(cover).append(" counter\n");
    page.append(cover).append(" 0.0\n");
    return page.toString();
  }

  private static void gauge(StringBuilder page, MetricName name, double value) {
    page.append("# TYPE ").append(name.prometheus()).append(" gauge\n");
    page.append(name.prometheus()).append(' ').append(number(value)).append('\n');
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%.6f", value);
  }

  @Override
  public void close() {
    server.close();
  }
}
