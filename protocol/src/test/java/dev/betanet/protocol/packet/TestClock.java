package dev.betanet.protocol.packet;

import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand. */
final class TestClock implements InstantSource {

  private final AtomicLong millis;

  TestClock(long millis) {
    this.millis = new AtomicLong(millis);
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public java.time.Instant instant() {
    return java.time.Instant.ofEpochMilli(millis.get());
  }

  void advance(long deltaMillis) {
    millis.addAndGet(deltaMillis);
  }
}
