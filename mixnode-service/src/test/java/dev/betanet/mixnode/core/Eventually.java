package dev.betanet.mixnode.core;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition on real sockets until it holds or a deadline passes. */
final class Eventually {

  private Eventually() {}

  static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    await(what, Duration.ofSeconds(10), condition);
  }
}
