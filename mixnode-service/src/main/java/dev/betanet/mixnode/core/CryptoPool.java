package dev.betanet.mixnode.core;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The threads that run packet crypto, one per core by default, fed by a bounded queue. Event loops
 * hand packets here and return at once: when the queue is full the packet is refused (the caller
 * counts the drop) instead of blocking the event loop or growing memory.
 */
final class CryptoPool {

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final ThreadPoolExecutor executor;
  private final AtomicLong lastCompletionNanos = new AtomicLong(System.nanoTime());
  private final Runnable onRejected;

  /**
   * @param onRejected called (on the submitting thread) for every task refused because the queue is
   *     full or the pool is shut down
   */
  CryptoPool(int threads, int queueBound, Runnable onRejected) {
    this.onRejected = onRejected;
    int pool = POOLS.incrementAndGet();
    AtomicInteger thread = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(queueBound),
            task -> {
              Thread t =
                  new Thread(task, "mixnode-crypto-" + pool + "-" + thread.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            // No exception per refused task: under overload that would cost more than the work.
            (task, executor) -> this.onRejected.run());
    executor.prestartAllCoreThreads();
  }

  /** Runs {@code task} on a crypto thread, or calls onRejected when the queue is full. */
  void execute(Runnable task) {
    executor.execute(
        () -> {
          task.run();
          lastCompletionNanos.set(System.nanoTime());
        });
  }

  int queued() {
    return executor.getQueue().size();
  }

  /**
   * True when packets are waiting but no task has completed for {@code stuckAfter}: every crypto
   * thread is wedged, and only a restart will help.
   */
  boolean isStuck(Duration stuckAfter) {
    return executor.getQueue().size() > 0
        && System.nanoTime() - lastCompletionNanos.get() > stuckAfter.toNanos();
  }

  /** Stops taking packets; those already queued still run. Waits at most {@code timeout}. */
  boolean shutdown(Duration timeout) throws InterruptedException {
    executor.shutdown();
    return executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Discards what is still queued and returns how many packets that was. */
  int shutdownNow() {
    return executor.shutdownNow().size();
  }
}
