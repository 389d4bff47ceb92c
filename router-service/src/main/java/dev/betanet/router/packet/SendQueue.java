package dev.betanet.router.packet;

import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.state.RouterMetrics;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The router's Poisson send queue (Loopix's per-sender stream): every packet the router emits waits
 * here in one bounded FIFO, and one thread lets packets leave at exponentially distributed
 * intervals of mean 1/λ, λ being the topology's {@code mixing.sendRatePerSecond} (re-read at every
 * slot). At each slot the queue's head leaves or, when the queue is empty, a cover packet from the
 * {@link CoverSource}. So what an observer of the router's links sees is a Poisson stream of rate λ
 * whether the router is idle, busy, or asked by an exit to burst (docs/anonymity.md).
 *
 * <p>Three choices the timing argument rests on:
 *
 * <ul>
 *   <li>The cover packet for the next empty slot is made <i>before</i> the slot (one in reserve),
 *       so a cover departure and a real one take the same time from their slot: building a packet
 *       costs X25519s, and a slot that waited on them would stand out.
 *   <li>A slot that comes late (the thread was descheduled) is taken at once and the schedule goes
 *       on from there; missed slots are not caught up with a burst.
 *   <li>A full queue refuses the packet ({@link #send} returns false, counted as {@code
 *       send_queue_refused{reason="full"}}) rather than growing or sending it early: callers decide
 *       (the entry fails a new request fast with 503, the exit's lost reply is resent on the
 *       entry's next round).
 * </ul>
 *
 * <p>Rate 0 is the unpaced mode, for tests and benchmarks: a packet leaves as soon as it is handed
 * over (after any still queued from a paced period), no slot is drawn and <b>no cover is sent</b>,
 * so it gives no timing protection at all; departures are counted as {@code unpaced} slots so the
 * mode shows in the metrics.
 */
public final class SendQueue implements PacketOutlet {

  /** A packet ready to leave: its first hop and its bytes. */
  public record Departure(String address, byte[] packet) {}

  /** Makes one cover packet for an empty slot; empty when none can be made (no state, no path). */
  public interface CoverSource {
    Optional<Departure> next();
  }

  /** How often the unpaced mode looks at the rate again (and drains what a paced period left). */
  private static final long UNPACED_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** A cover packet older than this is made again before its slot (keys and paths move on). */
  private static final long RESERVE_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private record Queued(String address, byte[] packet, long queuedAt, Runnable departed) {}

  private static final Runnable NOTHING = () -> {};

  private final PacketOutlet links;
  private final LongSupplier ratePerSecond;
  private final int capacity;
  private final CoverSource cover;
  private final RouterMetrics metrics;
  private final RandomGenerator random;
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private final String name;
  private volatile boolean running;
  private Thread thread;

  // Confined to the queue's thread.
  private Departure reserve;
  private long reserveMadeAt;

  /**
   * @param links where packets go when their slot comes (the connections to first hops)
   * @param ratePerSecond λ, read at every slot; 0 is the unpaced mode
   * @param capacity most packets waiting at once
   * @param random draws the intervals
   */
  public SendQueue(
      String name,
      PacketOutlet links,
      LongSupplier ratePerSecond,
      int capacity,
      CoverSource cover,
      RouterMetrics metrics,
      RandomGenerator random) {
    if (capacity < 1) {
      throw new IllegalArgumentException("send queue capacity must be positive, got " + capacity);
    }
    this.name = name;
    this.links = links;
    this.ratePerSecond = ratePerSecond;
    this.capacity = capacity;
    this.cover = cover;
    this.metrics = metrics;
    this.random = random;
    metrics.sendQueue(this::depth);
  }

  /**
   * Queues one packet for its slot; false when the queue is full (counted). In the unpaced mode the
   * packet leaves at once unless packets from a paced period still wait (then it waits behind
   * them).
   */
  @Override
  public boolean send(String address, byte[] packet) {
    return send(address, packet, NOTHING);
  }

  @Override
  public boolean send(String address, byte[] packet, Runnable departed) {
    synchronized (queue) {
      if (queue.isEmpty() && ratePerSecond.getAsLong() <= 0) {
        links.send(address, packet);
        metrics.sendSlot(RouterMetrics.SLOT_UNPACED);
      } else if (queue.size() >= capacity) {
        metrics.sendQueueRefused(RouterMetrics.SEND_QUEUE_FULL);
        return false;
      } else {
        queue.add(new Queued(address, packet, System.nanoTime(), departed));
        return true;
      }
    }
    departed.run();
    return true;
  }

  @Override
  public int room() {
    synchronized (queue) {
      return capacity - queue.size();
    }
  }

  /**
   * A bound on when the packets queued now will all have left: the last of {@code d} queued packets
   * leaves after a sum of {@code d} exponential intervals (mean d/λ, standard deviation √d/λ), and
   * this is the mean plus three standard deviations plus one interval, so a retransmission timer
   * that adds it rarely fires on packets still queued. 0 in the unpaced mode.
   */
  @Override
  public long drainMillis() {
    long rate = ratePerSecond.getAsLong();
    if (rate <= 0) {
      return 0;
    }
    int depth = depth();
    double slots = depth + 3 * Math.sqrt(depth) + 1;
    return (long) Math.ceil(slots * 1000 / rate);
  }

  /**
   * The slot rate a topology asks of every router: its {@code sendRatePerSecond}, raised to its
   * cover rate ({@code 1000 / coverMeanIntervalMillis}, the rate fixed or adaptive cover sets for
   * every node) when that is higher, so the operator's adaptive cover can raise the routers'
   * streams with the mixnodes' loops but never lower them below what the send rate promises
   * clients. A send rate of 0 stays 0: the unpaced mode is an explicit choice (tests, benchmarks)
   * and no cover rate turns it back on.
   */
  public static long slotRate(Topology.Mixing mixing) {
    long send = mixing.sendRatePerSecond();
    if (send <= 0) {
      return 0;
    }
    long interval = mixing.coverMeanIntervalMillis();
    long cover = interval > 0 ? 1000 / interval : 0;
    return Math.min(Topology.Mixing.MAX_SEND_RATE_PER_SECOND, Math.max(send, cover));
  }

  /** Packets waiting for a slot. */
  public int depth() {
    synchronized (queue) {
      return queue.size();
    }
  }

  /** Starts the slot thread. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = Thread.ofPlatform().name("router-send-queue-" + name).daemon().start(this::run);
  }

  /** Stops the slot thread; packets still queued are dropped (the router is going away). */
  public synchronized void stop() {
    running = false;
    if (thread != null) {
      LockSupport.unpark(thread);
      try {
        thread.join(TimeUnit.SECONDS.toMillis(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    long next = System.nanoTime();
    while (running) {
      long rate = ratePerSecond.getAsLong();
      if (rate <= 0) {
        drainUnpaced();
        LockSupport.parkNanos(UNPACED_RECHECK_NANOS);
        next = System.nanoTime();
        continue;
      }
      if (reserve == null || System.nanoTime() - reserveMadeAt > RESERVE_MAX_AGE_NANOS) {
        makeReserve();
      }
      next += interval(rate);
      long now = System.nanoTime();
      if (next < now) {
        next = now; // late: take this slot now, no burst to catch up
      }
      for (long wait = next - now; running && wait > 0; wait = next - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      if (running) {
        slot();
      }
    }
  }

  /** One exponential interval of mean 1/rate, in nanoseconds. */
  private long interval(long rate) {
    double u = random.nextDouble(); // in [0, 1): 1 - u is never 0
    return (long) (-Math.log(1 - u) * 1e9 / rate);
  }

  private void slot() {
    Queued head;
    synchronized (queue) {
      head = queue.poll();
    }
    if (head != null) {
      links.send(head.address(), head.packet());
      metrics.sendSlot(RouterMetrics.SLOT_REAL);
      metrics.sendQueueWait(System.nanoTime() - head.queuedAt());
      head.departed().run();
      return;
    }
    Departure coverPacket = reserve;
    reserve = null;
    if (coverPacket == null) {
      metrics.sendSlot(RouterMetrics.SLOT_EMPTY);
      return;
    }
    links.send(coverPacket.address(), coverPacket.packet());
    metrics.sendSlot(RouterMetrics.SLOT_COVER);
    metrics.coverSent();
  }

  private void makeReserve() {
    try {
      reserve = cover.next().orElse(null);
    } catch (RuntimeException e) {
      // A cover packet that cannot be built (say a topology mid-change) leaves its slot empty;
      // counted as an empty slot, never fatal to the queue.
      reserve = null;
    }
    reserveMadeAt = System.nanoTime();
  }

  /** Sends at once what a paced period left queued, now that the rate is 0. */
  private void drainUnpaced() {
    while (true) {
      Queued head;
      synchronized (queue) {
        head = queue.poll();
        if (head == null) {
          return;
        }
        links.send(head.address(), head.packet());
      }
      metrics.sendSlot(RouterMetrics.SLOT_UNPACED);
      metrics.sendQueueWait(System.nanoTime() - head.queuedAt());
      head.departed().run();
    }
  }
}
