package dev.betanet.mixnode.core;

import io.vertx.core.Vertx;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * The packets one {@link PacketLoop} holds for their per-hop delay (the Poisson mixing delay the
 * sender chose), and the one timer that releases them: a binary heap ordered by due time, and a
 * Vert.x timer set for the earliest. Everything but the two volatile readings runs on the loop's
 * event-loop thread, so holding and releasing a packet takes no lock and wakes no other thread: the
 * timer fires on the thread that will write the packet.
 *
 * <p>Bounded in packets and in bytes: a full queue refuses the packet (the caller counts it as
 * overload). The bytes keep the pool inside the heap whatever the packet size; the count alone let
 * a pool of 65,536 packets hold 134 MB of 2 KiB packets, more than the heap the images give a node.
 */
final class LoopDelayQueue {

  /** Where due packets go: the owning loop's next-hop links, flushed once per release. */
  interface Outlet {
    void send(RoutingTable.Address next, byte[] packet);

    void flush();
  }

  private record Held(long dueNanos, long sequence, RoutingTable.Address next, byte[] packet)
      implements Comparable<Held> {
    @Override
    public int compareTo(Held that) {
      int byDue = Long.compare(dueNanos, that.dueNanos);
      return byDue != 0 ? byDue : Long.compare(sequence, that.sequence);
    }
  }

  private final Vertx vertx;
  private final int bound;
  private final long boundBytes;
  private final Outlet outlet;
  private final DepartureEntropy entropy;
  private final PriorityQueue<Held> queue = new PriorityQueue<>();
  private long sequence;
  private long heldBytes;
  private long timerId = -1;
  private long timerDueNanos = Long.MAX_VALUE;
  private boolean stopped;

  // Read by gauges and the liveness check on other threads.
  private volatile int size;
  private volatile long headDueNanos = Long.MAX_VALUE;

  LoopDelayQueue(Vertx vertx, int bound, long boundBytes, Outlet outlet, DepartureEntropy entropy) {
    this.vertx = vertx;
    this.bound = bound;
    this.boundBytes = boundBytes;
    this.outlet = outlet;
    this.entropy = entropy;
  }

  /**
   * Holds {@code packet} for {@code delayMillis} (> 0); false when the queue is full or stopped. On
   * the loop's thread, within its context (the timer is set on it).
   */
  boolean hold(RoutingTable.Address next, byte[] packet, long delayMillis, long nowNanos) {
    if (stopped || queue.size() >= bound || heldBytes + packet.length > boundBytes) {
      return false;
    }
    heldBytes += packet.length;
    long due = nowNanos + TimeUnit.MILLISECONDS.toNanos(delayMillis);
    queue.add(new Held(due, sequence++, next, packet));
    size = queue.size();
    headDueNanos = queue.peek().dueNanos;
    if (due < timerDueNanos) {
      arm(due, nowNanos);
    }
    return true;
  }

  int size() {
    return size;
  }

  /** True when the earliest packet has been due for longer than {@code stuckAfterNanos}. */
  boolean overdue(long nowNanos, long stuckAfterNanos) {
    long head = headDueNanos;
    return head != Long.MAX_VALUE && nowNanos - head > stuckAfterNanos;
  }

  /**
   * Stops releasing packets and discards the ones held; returns how many that was. On the loop's
   * thread.
   */
  int stop() {
    stopped = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    int left = queue.size();
    queue.clear();
    heldBytes = 0;
    size = 0;
    headDueNanos = Long.MAX_VALUE;
    return left;
  }

  /** One timer for the earliest packet; Vert.x timers count whole milliseconds. */
  private void arm(long dueNanos, long nowNanos) {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(dueNanos - nowNanos + 999_999));
    timerDueNanos = dueNanos;
    timerId = vertx.setTimer(millis, id -> release());
  }

  /** Sends everything due now, waking each next hop once, and sets the timer for what is left. */
  private void release() {
    timerId = -1;
    timerDueNanos = Long.MAX_VALUE;
    if (stopped) {
      return;
    }
    long now = System.nanoTime();
    int released = 0;
    Held head;
    while ((head = queue.peek()) != null && head.dueNanos <= now) {
      queue.poll();
      heldBytes -= head.packet.length;
      outlet.send(head.next, head.packet);
      released++;
    }
    size = queue.size();
    headDueNanos = head == null ? Long.MAX_VALUE : head.dueNanos;
    if (released > 0) {
      entropy.departed(now, released);
      outlet.flush();
    }
    if (head != null) {
      arm(head.dueNanos, now);
    }
  }
}
