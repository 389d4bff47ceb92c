package dev.betanet.router.loopback;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting on a condition (polled), never on the clock alone. */
public final class Eventually {

  private Eventually() {}

  /** Polls {@code condition} until it holds; fails naming {@code what} after {@code max}. */
  public static void await(String what, Duration max, BooleanSupplier condition) {
    await(what, max, condition, () -> null);
  }

  /**
   * As {@link #await(String, Duration, BooleanSupplier)}; a failure also says what {@code found}
   * reads at that moment (the state the condition looked at), so a timeout on CI can be explained.
   */
  public static void await(
      String what, Duration max, BooleanSupplier condition, Supplier<String> found) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        String seen = found.get();
        throw new AssertionError(
            "not within " + max + ": " + what + (seen == null ? "" : " (found: " + seen + ")"));
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
