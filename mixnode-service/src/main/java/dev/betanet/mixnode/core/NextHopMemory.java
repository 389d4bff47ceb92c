package dev.betanet.mixnode.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes that all of a node's next-hop queues may hold together. Each queue is bounded in
 * packets as well, but there is one queue per loop and next hop, and a sender can route to any hop
 * of the topology: a few slow or dead hops, each filling its own queue, would otherwise fill the
 * heap of a node in a large topology (8 MiB per hop at the default bounds on two cores) and take
 * every other packet down with it. Any thread.
 */
final class NextHopMemory {

  private final long bound;
  private final AtomicLong used = new AtomicLong();

  NextHopMemory(long boundBytes) {
    if (boundBytes < 1) {
      throw new IllegalArgumentException("next-hop memory must be at least 1 byte");
    }
    this.bound = boundBytes;
  }

  /**
   * Takes {@code bytes} if they fit under the bound, or unconditionally when {@code always} (a
   * queue holding less than one write's worth: a live hop keeps moving however full the others are,
   * and the bound is exceeded by at most that much per queue). False: nothing was taken.
   */
  boolean take(int bytes, boolean always) {
    if (always) {
      used.addAndGet(bytes);
      return true;
    }
    long now;
    do {
      now = used.get();
      if (now + bytes > bound) {
        return false;
      }
    } while (!used.compareAndSet(now, now + bytes));
    return true;
  }

  /** Gives back what written or discarded packets held. */
  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  long used() {
    return used.get();
  }
}
