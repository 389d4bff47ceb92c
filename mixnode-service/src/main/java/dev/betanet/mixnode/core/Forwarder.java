package dev.betanet.mixnode.core;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.NetClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The forwarding pool: one mutual-TLS {@link NextHopLink} per next-hop address, created on first
 * use, each on an event loop of its own choosing (round robin) so outbound writes spread over the
 * event loops.
 */
final class Forwarder {

  private final VertxInternal vertx;
  private final NetClient client;
  private final int queueBound;
  private final MixnodeMetrics metrics;
  private final Map<RoutingTable.Address, NextHopLink> links = new ConcurrentHashMap<>();

  private final NodeLinks nodeLinks;

  Forwarder(Vertx vertx, int queueBound, MixnodeMetrics metrics, NodeLinks nodeLinks) {
    this.vertx = (VertxInternal) vertx;
    this.queueBound = queueBound;
    this.metrics = metrics;
    this.nodeLinks = nodeLinks;
    this.client =
        vertx.createNetClient(
            nodeLinks
                .clientOptions()
                .setTcpNoDelay(true)
                .setConnectTimeout(2_000)
                .setReconnectAttempts(0));
  }

  /** Sends {@code packet} to {@code next}; never blocks. Any thread. */
  void send(RoutingTable.Address next, byte[] packet) {
    NextHopLink link = link(next);
    link.offer(packet);
    link.flush();
  }

  /** A batch of sends that wakes each next hop's event loop once, at {@link Batch#flush}. */
  Batch batch() {
    return new Batch();
  }

  /** Packets for several next hops, flushed together; one thread's, not shared. */
  final class Batch {
    private final List<NextHopLink> touched = new ArrayList<>(4);

    void send(RoutingTable.Address next, byte[] packet) {
      NextHopLink link = link(next);
      link.offer(packet);
      if (!touched.contains(link)) {
        touched.add(link);
      }
    }

    void flush() {
      touched.forEach(NextHopLink::flush);
      touched.clear();
    }
  }

  private NextHopLink link(RoutingTable.Address next) {
    NextHopLink link = links.get(next);
    if (link != null) {
      return link;
    }
    return links.computeIfAbsent(
        next,
        address ->
            new NextHopLink(
                address, vertx.createEventLoopContext(), client, queueBound, metrics, nodeLinks));
  }

  int queued() {
    int total = 0;
    for (NextHopLink link : links.values()) {
      total += link.queued();
    }
    return total;
  }

  /**
   * Waits until every link has written its queue or {@code timeout} passes, then closes every link;
   * packets still queued then are counted as dropped at shutdown.
   */
  Future<Void> drainAndClose(Duration timeout) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + timeout.toNanos();
    vertx.setPeriodic(
        20,
        id -> {
          if (queued() == 0 || System.nanoTime() > deadline) {
            vertx.cancelTimer(id);
            int dropped = 0;
            for (NextHopLink link : links.values()) {
              dropped += link.close();
            }
            metrics.count(PacketResult.DROPPED_SHUTDOWN, dropped);
            client.close().onComplete(ar -> done.complete());
          }
        });
    return done.future();
  }
}
