package dev.betanet.mixnode.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Holds processed packets for their per-hop delay (the Poisson mixing delay the sender chose) and
 * hands each to the forwarder when it falls due. One dispatcher thread; a bounded number of packets
 * held (a full pool refuses new packets, which the caller counts as overload).
 */
final class DelayPool {

  private static final Logger LOG = Logger.getLogger(DelayPool.class);

  private static final class Held implements Delayed {
    private static final AtomicLong SEQUENCE = new AtomicLong();
    final long dueNanos;
    final long sequence = SEQUENCE.incrementAndGet();
    final RoutingTable.Address next;
    final byte[] packet;

    Held(long dueNanos, RoutingTable.Address next, byte[] packet) {
      this.dueNanos = dueNanos;
      this.next = next;
      this.packet = packet;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      Held that = (Held) other;
      int byDue = Long.compare(dueNanos, that.dueNanos);
      return byDue != 0 ? byDue : Long.compare(sequence, that.sequence);
    }
  }

  private final DelayQueue<Held> queue = new DelayQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int bound;
  private final Forwarder forwarder;
  private final Thread dispatcher;
  private final DepartureEntropy entropy;
  private volatile long stopAtNanos = Long.MAX_VALUE;
  // The dispatcher thread's scratch list.
  private final List<Held> due = new ArrayList<>();

  DelayPool(int bound, Forwarder forwarder, DepartureEntropy entropy) {
    this.bound = bound;
    this.forwarder = forwarder;
    this.entropy = entropy;
    this.dispatcher = Thread.ofPlatform().daemon().name("mixnode-delay").unstarted(this::dispatch);
    dispatcher.start();
  }

  /** Holds {@code packet} for {@code delayMillis}; false when the pool is full. */
  boolean hold(RoutingTable.Address next, byte[] packet, long delayMillis) {
    if (size.incrementAndGet() > bound) {
      size.decrementAndGet();
      return false;
    }
    long now = System.nanoTime();
    entropy.arrived(now);
    queue.add(new Held(now + TimeUnit.MILLISECONDS.toNanos(delayMillis), next, packet));
    return true;
  }

  int size() {
    return size.get();
  }

  /** True when the earliest packet has been due for longer than {@code stuckAfter}. */
  boolean isStuck(Duration stuckAfter) {
    Held head = queue.peek();
    return head != null && System.nanoTime() - head.dueNanos > stuckAfter.toNanos();
  }

  /**
   * Keeps dispatching packets that fall due within {@code drain}, then stops and returns how many
   * packets were still held (not forwarded).
   */
  int drainAndStop(Duration drain) throws InterruptedException {
    stopAtNanos = System.nanoTime() + drain.toNanos();
    // Wake the dispatcher so it sees the deadline even if the queue is empty.
    dispatcher.interrupt();
    dispatcher.join(drain.toMillis() + 1000);
    int left = queue.size();
    queue.clear();
    size.set(0);
    return left;
  }

  /** Forwards {@code first} and whatever else is due with it, waking each next hop once. */
  private void forwardDue(Held first) {
    due.clear();
    due.add(first);
    queue.drainTo(due, 255);
    size.addAndGet(-due.size());
    entropy.departed(System.nanoTime(), due.size());
    Forwarder.Batch batch = forwarder.batch();
    try {
      for (Held held : due) {
        batch.send(held.next, held.packet);
      }
      batch.flush();
    } catch (RuntimeException e) {
      // A bug downstream must not kill the only dispatcher and wedge every delayed packet.
      LOG.error("BUG: forwarding due packets failed", e);
    }
  }

  private void dispatch() {
    while (true) {
      long remaining = stopAtNanos - System.nanoTime();
      if (remaining <= 0 || (stopAtNanos != Long.MAX_VALUE && queue.isEmpty())) {
        return;
      }
      Held held;
      try {
        held = queue.poll(Math.min(remaining, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        continue; // drainAndStop set a deadline; re-check it
      }
      if (held != null) {
        forwardDue(held);
      }
    }
  }
}
