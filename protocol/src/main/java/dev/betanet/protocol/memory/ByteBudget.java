package dev.betanet.protocol.memory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes that several holders, on any threads, may keep together under one bound: a mixnode's
 * next-hop queues, a router's received packets, a router's proxy request bodies. What does not fit
 * is refused before it is held, never buffered first and counted after.
 */
public final class ByteBudget {

  private final long bound;
  private final AtomicLong used = new AtomicLong();

  /**
   * @param bound the bytes {@link #tryTake} never takes the total past
   */
  public ByteBudget(long bound) {
    if (bound < 0) {
      throw new IllegalArgumentException("a byte budget cannot be negative, got " + bound);
    }
    this.bound = bound;
  }

  /** Takes {@code bytes} if the total stays within the bound; false: nothing was taken. */
  public boolean tryTake(long bytes) {
    long now;
    do {
      now = used.get();
      if (now + bytes > bound) {
        return false;
      }
    } while (!used.compareAndSet(now, now + bytes));
    return true;
  }

  /**
   * Takes {@code bytes} whatever the total, for a holder the caller lets past the bound (by an
   * amount the caller bounds itself).
   */
  public void take(long bytes) {
    used.addAndGet(bytes);
  }

  /** Gives back bytes taken before. */
  public void release(long bytes) {
    used.addAndGet(-bytes);
  }

  /** Bytes held now. */
  public long used() {
    return used.get();
  }
}
