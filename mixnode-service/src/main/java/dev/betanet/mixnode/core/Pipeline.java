package dev.betanet.mixnode.core;

import dev.betanet.protocol.packet.NodeRef;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The path of one packet after it is read: crypto thread (one hop of processing with the key ring
 * in force), then the delay pool for its mixing delay, then the forwarder. Every packet ends in
 * exactly one counted {@link PacketResult}.
 */
final class Pipeline {

  /** Packets per crypto task: large enough to save wake-ups, small enough to spread work. */
  private static final int BATCH = 16;

  /** The anonymity estimate's window: 60 buckets of one second (docs/anonymity.md). */
  private static final long ENTROPY_BUCKET_NANOS = 1_000_000_000L;

  private static final int ENTROPY_BUCKETS = 60;

  private final Supplier<ActiveState> state;
  private final MixnodeMetrics metrics;
  private final Forwarder forwarder;
  private final CryptoPool crypto;
  private final DelayPool delays;
  private final DepartureEntropy entropy;

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
            refused -> metrics.count(PacketResult.DROPPED_OVERLOAD, refused));
    this.entropy = new DepartureEntropy(ENTROPY_BUCKET_NANOS, ENTROPY_BUCKETS);
    this.delays = new DelayPool(settings.delayPool(), forwarder, entropy);
    metrics.poolSize(delays::size);
    metrics.departureEntropy(
        () -> entropy.entropyBits(System.nanoTime()),
        () -> entropy.meanPoolPackets(System.nanoTime()));
    metrics.cryptoQueueSize(crypto::pending);
  }

  /**
   * Takes the packets of one socket read off an event loop; returns at once. Packets beyond the
   * crypto bound are dropped and counted; the rest go to the crypto threads in small batches, so
   * that both threads get work from one busy connection.
   */
  void accept(List<byte[]> packets) {
    int admitted = crypto.admit(packets.size());
    if (admitted < packets.size()) {
      metrics.count(PacketResult.DROPPED_OVERLOAD, packets.size() - admitted);
    }
    for (int from = 0; from < admitted; from += BATCH) {
      List<byte[]> batch = packets.subList(from, Math.min(admitted, from + BATCH));
      crypto.execute(() -> process(batch), batch.size());
    }
  }

  private void process(List<byte[]> packets) {
    ActiveState current = state.get();
    Forwarder.Batch out = forwarder.batch();
    int unheld = 0;
    for (byte[] packet : packets) {
      long start = System.nanoTime();
      HopResult result = current.processor().process(packet);
      metrics.processed(System.nanoTime() - start);
      switch (result) {
        case HopResult.Done done -> metrics.count(done.result());
        case HopResult.Forward forward -> {
          if (route(current, forward, out)) {
            unheld++;
          }
        }
      }
    }
    if (unheld > 0) {
      // Once per batch, not per packet: the estimator takes a lock.
      entropy.forwardedUnheld(System.nanoTime(), unheld);
    }
    out.flush();
  }

  /** Routes a packet this node made itself (cover traffic) as if it had just been processed. */
  void send(NodeRef next, long delayMillis, byte[] packet) {
    Forwarder.Batch out = forwarder.batch();
    // Not an entropy event: the node's own packet hides nothing here, it is not a departure.
    route(state.get(), new HopResult.Forward(next, delayMillis, packet), out);
    out.flush();
  }

  /** Sends, holds or refuses a processed packet; true when it was sent on without a delay. */
  private boolean route(ActiveState current, HopResult.Forward forward, Forwarder.Batch out) {
    RoutingTable.Address next = current.routes().addressOf(forward.next());
    if (next == null) {
      metrics.count(PacketResult.UNROUTABLE);
    } else if (forward.delayMillis() > current.maxHopDelayMillis()) {
      // Checked before the pool: a sender must not be able to park packets here for weeks.
      metrics.count(PacketResult.DELAY_TOO_LONG);
    } else if (forward.delayMillis() <= 0) {
      out.send(next, forward.packet());
      return true;
    } else if (!delays.hold(next, forward.packet(), forward.delayMillis())) {
      metrics.count(PacketResult.DROPPED_OVERLOAD);
    }
    return false;
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
