package dev.betanet.mixnode.core;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.impl.ContextInternal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One event loop's share of the node, run to completion on that loop's thread: it reads its inbound
 * connections, peels each packet, and either writes it at once to the next hop over a link this
 * loop owns (delay 0) or parks it in this loop's {@link LoopDelayQueue}, whose timer fires on the
 * same thread. A packet never changes thread between the socket read and the socket write, so it
 * costs no queue hand-off and no thread wake-up; the node runs one loop per core.
 *
 * <p>The packets of a socket read are not processed inside the read callback but in a task queued
 * on the same loop (no wake-up: the thread is awake), so every connection ready in one turn is read
 * first: that is where the bound applies. At most {@code backlogBound} packets and {@code
 * backlogBoundBytes} bytes wait here; a read beyond them is dropped and counted as overload, so a
 * flood sheds instead of growing memory, as the crypto queue did before. A task processes at most
 * {@value #PACKETS_PER_TASK} packets and then yields, so reads and delay timers on the loop are not
 * held up by a long backlog.
 *
 * <p>Threads: {@link #accept} and everything it calls run on the loop; {@link #sendOwn} and {@link
 * #drain} may be called from any thread and hop onto it. The volatile fields are what gauges and
 * the liveness check read.
 */
final class PacketLoop implements LoopDelayQueue.Outlet {

  /** Packets per processing task: the loop reads and fires timers between tasks. */
  private static final int PACKETS_PER_TASK = 64;

  /** How often a draining loop checks whether it is empty. */
  private static final long DRAIN_CHECK_MILLIS = 20;

  private final ContextInternal context;
  private final Supplier<ActiveState> state;
  private final Forwarder forwarder;
  private final MixnodeMetrics metrics;
  private final DepartureEntropy entropy;
  private final Backlog backlog;
  private final LoopDelayQueue delays;
  private final Map<RoutingTable.Address, NextHopLink> links = new HashMap<>();
  private final List<NextHopLink> touched = new ArrayList<>(4);
  private boolean processingQueued;

  private volatile int backlogSize;
  private volatile long lastProgressNanos = System.nanoTime();

  PacketLoop(
      ContextInternal context,
      Supplier<ActiveState> state,
      Forwarder forwarder,
      MixnodeMetrics metrics,
      DepartureEntropy entropy,
      int backlogBound,
      long backlogBoundBytes,
      int delayBound,
      long delayBoundBytes) {
    this.context = context;
    this.state = state;
    this.forwarder = forwarder;
    this.metrics = metrics;
    this.entropy = entropy;
    this.backlog = new Backlog(backlogBound, backlogBoundBytes);
    this.delays = new LoopDelayQueue(context.owner(), delayBound, delayBoundBytes, this, entropy);
  }

  /** The loop's context: its inbound server and its links live on it. */
  ContextInternal context() {
    return context;
  }

  /**
   * Takes the packets of one socket read, on this loop's thread; returns at once. Packets beyond
   * the backlog bound are dropped and counted; the rest are processed in a task on this loop.
   */
  void accept(List<byte[]> packets) {
    long now = System.nanoTime();
    if (backlog.isEmpty()) {
      lastProgressNanos = now; // work starts now: an idle spell is not a stall
    }
    int refused = 0;
    for (byte[] packet : packets) {
      if (backlog.fits(packet.length)) {
        backlog.add(packet, now);
      } else {
        refused++;
      }
    }
    if (refused > 0) {
      metrics.count(PacketResult.DROPPED_OVERLOAD, refused);
    }
    if (refused == packets.size()) {
      return;
    }
    backlogSize = backlog.size();
    queueProcessing();
  }

  /**
   * Routes a packet this node made itself (cover traffic) as if this loop had just processed it.
   * Any thread: it hops onto the loop (cover is rare; this is not the packet path).
   */
  void sendOwn(HopResult.Forward packet) {
    context.runOnContext(
        v -> {
          // Not an entropy event: the node's own packet hides nothing here, it is not a departure.
          route(state.get(), packet, System.nanoTime());
          flush();
        });
  }

  private void queueProcessing() {
    if (!processingQueued) {
      processingQueued = true;
      context.runOnContext(v -> processBacklog());
    }
  }

  private void processBacklog() {
    processingQueued = false;
    ActiveState current = state.get();
    int unheld = 0;
    int held = 0;
    for (int n = 0; n < PACKETS_PER_TASK && !backlog.isEmpty(); n++) {
      long start = System.nanoTime();
      metrics.waitedInBacklog(start - backlog.oldestReadNanos());
      byte[] packet = backlog.poll();
      HopResult result = current.processor().process(packet);
      long end = System.nanoTime();
      metrics.processed(end - start);
      switch (result) {
        case HopResult.Done done -> metrics.count(done.result());
        case HopResult.Forward forward -> {
          switch (route(current, forward, end)) {
            case SENT -> unheld++;
            case HELD -> held++;
            case REFUSED -> {}
          }
        }
      }
    }
    long now = System.nanoTime();
    backlogSize = backlog.size();
    lastProgressNanos = now;
    // Once per task, not per packet: the estimator takes a lock.
    if (held > 0) {
      entropy.arrived(now, held);
    }
    if (unheld > 0) {
      entropy.forwardedUnheld(now, unheld);
    }
    flush();
    if (!backlog.isEmpty()) {
      queueProcessing(); // behind the reads and timers that came in meanwhile
    }
  }

  private enum Routed {
    SENT,
    HELD,
    REFUSED
  }

  /** Sends, holds or refuses a processed packet. */
  private Routed route(ActiveState current, HopResult.Forward forward, long nowNanos) {
    RoutingTable.Address next = current.routes().addressOf(forward.next());
    if (next == null) {
      metrics.count(PacketResult.UNROUTABLE);
    } else if (forward.delayMillis() > current.maxHopDelayMillis()) {
      // Checked before the queue: a sender must not be able to park packets here for weeks.
      metrics.count(PacketResult.DELAY_TOO_LONG);
    } else if (forward.delayMillis() <= 0) {
      send(next, forward.packet());
      return Routed.SENT;
    } else if (delays.hold(next, forward.packet(), forward.delayMillis(), nowNanos)) {
      return Routed.HELD;
    } else {
      metrics.count(PacketResult.DROPPED_OVERLOAD);
    }
    return Routed.REFUSED;
  }

  /** Queues {@code packet} on this loop's link to {@code next}; {@link #flush} writes it. */
  @Override
  public void send(RoutingTable.Address next, byte[] packet) {
    NextHopLink link = links.get(next);
    if (link == null) {
      link = forwarder.link(context, next);
      links.put(next, link);
    }
    link.offer(packet);
    if (!touched.contains(link)) {
      touched.add(link);
    }
  }

  /** Writes what {@link #send} queued, now, on this thread: the links are this loop's own. */
  @Override
  public void flush() {
    for (NextHopLink link : touched) {
      link.flush();
    }
    touched.clear();
  }

  int backlogSize() {
    return backlogSize;
  }

  int delayedSize() {
    return delays.size();
  }

  /** Packets are waiting and none has been processed, or one is overdue, for {@code stuckAfter}. */
  boolean isStuck(long stuckAfterNanos) {
    long now = System.nanoTime();
    return (backlogSize > 0 && now - lastProgressNanos > stuckAfterNanos)
        || delays.overdue(now, stuckAfterNanos);
  }

  /**
   * Shutdown (the inbound server is closed already): keeps processing what was read and releasing
   * held packets until both are empty or {@code deadlineNanos} passes, then stops and completes
   * with the number of packets still waiting (the caller counts them as dropped at shutdown).
   */
  Future<Integer> drain(long deadlineNanos) {
    Promise<Integer> done = Promise.promise();
    context.runOnContext(
        v ->
            context
                .owner()
                .setPeriodic(
                    DRAIN_CHECK_MILLIS,
                    id -> {
                      if ((backlog.isEmpty() && delays.size() == 0)
                          || System.nanoTime() >= deadlineNanos) {
                        context.owner().cancelTimer(id);
                        int left = backlog.size() + delays.stop();
                        backlog.clear();
                        backlogSize = 0;
                        done.complete(left);
                      }
                    }));
    return done.future();
  }
}
