package dev.betanet.mixnode.core;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The node's packet loops, one per core ({@code cryptoThreads}), each on its own Vert.x event loop:
 * a packet is read, processed, held and written by the one loop whose connection brought it (see
 * {@link PacketLoop}). This class creates them, splits the node's bounds between them, and answers
 * for all of them (gauges, liveness, drain). Every packet ends in exactly one counted {@link
 * PacketResult}.
 */
final class Pipeline {

  /** The anonymity estimate's window: 60 buckets of one second (docs/anonymity.md). */
  private static final long ENTROPY_BUCKET_NANOS = 1_000_000_000L;

  private static final int ENTROPY_BUCKETS = 60;

  private final List<PacketLoop> loops;
  private final MixnodeMetrics metrics;
  private final AtomicInteger nextCoverLoop = new AtomicInteger();

  Pipeline(
      Vertx vertx,
      Supplier<ActiveState> state,
      MixnodeSettings settings,
      Forwarder forwarder,
      MixnodeMetrics metrics) {
    this.metrics = metrics;
    // One estimator for the node: its pool is the union of the loops' queues.
    DepartureEntropy entropy = new DepartureEntropy(ENTROPY_BUCKET_NANOS, ENTROPY_BUCKETS);
    List<ContextInternal> contexts = distinctLoops((VertxInternal) vertx, settings.cryptoThreads());
    int n = contexts.size();
    List<PacketLoop> created = new ArrayList<>(n);
    for (ContextInternal context : contexts) {
      created.add(
          new PacketLoop(
              context,
              state,
              forwarder,
              metrics,
              entropy,
              share(settings.cryptoQueue(), n),
              settings.cryptoQueueBytes() / n,
              share(settings.delayPool(), n),
              settings.delayPoolBytes() / n));
    }
    this.loops = List.copyOf(created);
    metrics.poolSize(this::delayPoolSize);
    metrics.departureEntropy(
        () -> entropy.entropyBits(System.nanoTime()),
        () -> entropy.meanPoolPackets(System.nanoTime()));
    metrics.cryptoQueueSize(this::backlogSize);
  }

  /** The loops; the packet server gives each its own inbound connections. */
  List<PacketLoop> loops() {
    return loops;
  }

  /**
   * Routes a packet this node made itself (cover traffic), on the loops in turn: not the packet
   * path, so a hop onto a loop is fine here.
   */
  void send(HopResult.Forward packet) {
    loops.get(Math.floorMod(nextCoverLoop.getAndIncrement(), loops.size())).sendOwn(packet);
  }

  boolean isStuck(Duration stuckAfter) {
    long nanos = stuckAfter.toNanos();
    for (PacketLoop loop : loops) {
      if (loop.isStuck(nanos)) {
        return true;
      }
    }
    return false;
  }

  int delayPoolSize() {
    int total = 0;
    for (PacketLoop loop : loops) {
      total += loop.delayedSize();
    }
    return total;
  }

  private int backlogSize() {
    int total = 0;
    for (PacketLoop loop : loops) {
      total += loop.backlogSize();
    }
    return total;
  }

  /**
   * Shutdown, first half (the packet port is closed): every loop finishes the packets already read
   * and keeps releasing held packets that fall due before {@code drainTimeout}; what is left then
   * is counted as dropped at shutdown.
   */
  Future<Void> drain(Duration drainTimeout) {
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    List<Future<Integer>> drained = new ArrayList<>();
    for (PacketLoop loop : loops) {
      drained.add(
          loop.drain(deadline)
              .onSuccess(left -> metrics.count(PacketResult.DROPPED_SHUTDOWN, left)));
    }
    return Future.all(drained).mapEmpty();
  }

  /** A bound split between {@code loops}, rounded up so the node holds at least the bound. */
  static int share(int bound, int loops) {
    return Math.max(1, (bound + loops - 1) / loops);
  }

  /**
   * Contexts on {@code count} different event loops of Vert.x's pool (at most as many as it has):
   * two loops on one thread would serialise what should run side by side.
   */
  private static List<ContextInternal> distinctLoops(VertxInternal vertx, int count) {
    List<ContextInternal> contexts = new ArrayList<>(count);
    for (EventExecutor executor : vertx.getEventLoopGroup()) {
      if (contexts.size() == count) {
        break;
      }
      contexts.add(
          vertx.createEventLoopContext(
              (EventLoop) executor, vertx.getWorkerPool(), Pipeline.class.getClassLoader()));
    }
    return contexts;
  }
}
