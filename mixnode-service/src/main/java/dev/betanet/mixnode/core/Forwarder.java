package dev.betanet.mixnode.core;

import dev.betanet.protocol.memory.ByteBudget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.NetClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The forwarding pool: one mutual-TLS {@link NextHopLink} per packet loop and next-hop address,
 * created on first use on that loop, over the node's one {@link NetClient} (its options are set
 * here, in one place).
 */
final class Forwarder {

  private final Vertx vertx;
  private final NetClient client;
  private final int queueBound;

  /**
   * The bytes all of the node's next-hop queues hold together. Each queue is bounded in packets as
   * well, but there is one per loop and next hop, and a sender can route to any hop of the
   * topology: a few slow or dead hops, each filling its own queue, would otherwise fill the heap of
   * a node in a large topology (8 MiB per hop at the default bounds on two cores).
   */
  private final ByteBudget memory;

  private final MixnodeMetrics metrics;
  private final Map<LinkKey, NextHopLink> links = new ConcurrentHashMap<>();

  /** A loop (by its context) and one of its next hops. */
  private record LinkKey(ContextInternal loop, RoutingTable.Address next) {}

  private final NodeLinks nodeLinks;

  /**
   * @param queueBound packets per loop and next hop
   * @param memoryBytes bytes all the node's next-hop queues may hold together
   */
  Forwarder(
      Vertx vertx, int queueBound, long memoryBytes, MixnodeMetrics metrics, NodeLinks nodeLinks) {
    this.vertx = vertx;
    this.queueBound = queueBound;
    this.memory = new ByteBudget(memoryBytes);
    metrics.nextHopQueueBytes(memory::used);
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

  /**
   * The link from the loop on {@code context} to {@code next}, created on first use. Each loop owns
   * its links (one connection per loop and next hop), so a loop writes its packets on its own
   * thread; {@link PacketLoop} keeps them in a map of its own, so this is not on the packet path.
   */
  NextHopLink link(ContextInternal context, RoutingTable.Address next) {
    return links.computeIfAbsent(
        new LinkKey(context, next),
        key -> new NextHopLink(next, context, client, queueBound, memory, metrics, nodeLinks));
  }

  /**
   * Opens, and keeps open, the links from every loop to each of {@code next} (the hops the topology
   * in force names, {@link dev.betanet.protocol.link.NextLayer}), so that no packet pays a TLS
   * handshake; links to hops no longer named are no longer kept (opened on demand, as before). At
   * most loops × the next layer's nodes links are kept. Any thread.
   */
  void keepOpen(List<ContextInternal> loops, Set<RoutingTable.Address> next) {
    links.forEach((key, link) -> link.keepOpen(next.contains(key.next())));
    for (ContextInternal loop : loops) {
      for (RoutingTable.Address address : next) {
        link(loop, address).keepOpen(true);
      }
    }
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
