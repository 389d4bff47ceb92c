package dev.betanet.router.loopback;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting on a condition (polled), never on the clock alone. */
public final class Eventually {

  private Eventually() {}

  /** Polls {@code condition} until it holds; fails naming {@code what} after {@code max}. */
  public static void await(String what, Duration max, BooleanSupplier condition) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + max + ": " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
  }
}
