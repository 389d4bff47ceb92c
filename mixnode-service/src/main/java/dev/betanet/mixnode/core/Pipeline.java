package dev.betanet.mixnode.core;

import dev.betanet.protocol.packet.NodeRef;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The path of one packet after it is read: crypto thread (one hop of processing with the key ring
 * in force), then the delay pool for its mixing delay, then the forwarder. Every packet ends in
 * exactly one counted {@link PacketResult}.
 */
final class Pipeline {

  private final Supplier<ActiveState> state;
  private final MixnodeMetrics metrics;
  private final Forwarder forwarder;
  private final CryptoPool crypto;
  private final DelayPool delays;

  Pipeline(
      Supplier<ActiveState> state,
      MixnodeSettings settings,
      Forwarder forwarder,
      MixnodeMetrics metrics) {
    this.state = state;
    this.metrics = metrics;
    this.forwarder = forwarder;
    this.crypto =
        new CryptoPool(
            settings.cryptoThreads(),
            settings.cryptoQueue(),
            () -> metrics.count(PacketResult.DROPPED_OVERLOAD));
    this.delays = new DelayPool(settings.delayPool(), forwarder::send);
    metrics.poolSize(delays::size);
    metrics.cryptoQueueSize(crypto::queued);
  }

  /** Takes one packet off an event loop; returns at once (refused packets are counted). */
  void accept(byte[] packet) {
    crypto.execute(() -> process(packet));
  }

  private void process(byte[] packet) {
    ActiveState current = state.get();
    long start = System.nanoTime();
    HopResult result = current.processor().process(packet);
    metrics.processed(System.nanoTime() - start);
    switch (result) {
      case HopResult.Done done -> metrics.count(done.result());
      case HopResult.Forward forward -> route(current, forward);
    }
  }

  /** Routes a packet this node made itself (cover traffic) as if it had just been processed. */
  void send(NodeRef next, long delayMillis, byte[] packet) {
    route(state.get(), new HopResult.Forward(next, delayMillis, packet));
  }

  private void route(ActiveState current, HopResult.Forward forward) {
    RoutingTable.Address next = current.routes().addressOf(forward.next());
    if (next == null) {
      metrics.count(PacketResult.UNROUTABLE);
    } else if (forward.delayMillis() <= 0) {
      forwarder.send(next, forward.packet());
    } else if (!delays.hold(next, forward.packet(), forward.delayMillis())) {
      metrics.count(PacketResult.DROPPED_OVERLOAD);
    }
  }

  boolean isStuck(Duration stuckAfter) {
    return crypto.isStuck(stuckAfter) || delays.isStuck(stuckAfter);
  }

  int delayPoolSize() {
    return delays.size();
  }

  /**
   * Shutdown, first half: finishes the packets already read (within the drain time), then keeps
   * forwarding held packets that fall due before the deadline. What is left is counted as dropped.
   */
  void drain(Duration drainTimeout) throws InterruptedException {
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    if (!crypto.shutdown(drainTimeout)) {
      metrics.count(PacketResult.DROPPED_SHUTDOWN, crypto.shutdownNow());
    }
    Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    metrics.count(PacketResult.DROPPED_SHUTDOWN, delays.drainAndStop(left));
  }
}
