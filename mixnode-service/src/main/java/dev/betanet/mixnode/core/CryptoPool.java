package dev.betanet.mixnode.core;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * The threads that run packet crypto, one per core by default. Event loops hand packets here in
 * small batches (one task per batch: a thread wake-up per packet would cost a good part of the
 * crypto) and return at once. At most {@code bound} packets are admitted at a time; the rest are
 * refused (the caller counts them) instead of blocking the event loop or growing memory.
 */
final class CryptoPool {

  private static final AtomicInteger POOLS = new AtomicInteger();

  /** A batch of packets to process, and how many it holds (for the bound). */
  private final class Job implements Runnable {
    private final Runnable work;
    private final int packets;

    Job(Runnable work, int packets) {
      this.work = work;
      this.packets = packets;
    }

    @Override
    public void run() {
      try {
        work.run();
      } finally {
        pending.addAndGet(-packets);
        lastProgressNanos.set(System.nanoTime());
      }
    }
  }

  private final ThreadPoolExecutor executor;
  private final int bound;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong lastProgressNanos = new AtomicLong(System.nanoTime());

  /**
   * @param onRejected called with the number of packets of a batch refused because the pool is shut
   *     down
   */
  CryptoPool(int threads, int bound, IntConsumer onRejected) {
    this.bound = bound;
    int pool = POOLS.incrementAndGet();
    AtomicInteger thread = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            // Unbounded as a queue, bounded in packets by admit(): a batch is one entry.
            new LinkedBlockingQueue<>(),
            task -> {
              Thread t =
                  new Thread(task, "mixnode-crypto-" + pool + "-" + thread.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            (task, executor) -> {
              Job job = (Job) task;
              pending.addAndGet(-job.packets);
              onRejected.accept(job.packets);
            });
    executor.prestartAllCoreThreads();
  }

  /** Reserves room for up to {@code packets} packets; returns how many may be executed. */
  int admit(int packets) {
    while (true) {
      int current = pending.get();
      int admitted = Math.min(packets, Math.max(0, bound - current));
      if (admitted == 0) {
        return 0;
      }
      if (pending.compareAndSet(current, current + admitted)) {
        if (current == 0) {
          // Work starts now: an idle spell before it is not a stall.
          lastProgressNanos.set(System.nanoTime());
        }
        return admitted;
      }
    }
  }

  /** Runs {@code work}, which processes {@code packets} packets already admitted. */
  void execute(Runnable work, int packets) {
    executor.execute(new Job(work, packets));
  }

  /** Packets admitted and not yet processed. */
  int pending() {
    return pending.get();
  }

  /**
   * True when packets are waiting but no batch has completed for {@code stuckAfter}: every crypto
   * thread is wedged, and only a restart will help.
   */
  boolean isStuck(Duration stuckAfter) {
    return pending.get() > 0 && System.nanoTime() - lastProgressNanos.get() > stuckAfter.toNanos();
  }

  /** Stops taking packets; those already admitted still run. Waits at most {@code timeout}. */
  boolean shutdown(Duration timeout) throws InterruptedException {
    executor.shutdown();
    return executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Discards what is still queued and returns how many packets that was. */
  int shutdownNow() {
    int dropped = 0;
    for (Runnable task : executor.shutdownNow()) {
      dropped += ((Job) task).packets;
    }
    return dropped;
  }
}
