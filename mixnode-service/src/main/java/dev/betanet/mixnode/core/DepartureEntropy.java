package dev.betanet.mixnode.core;

import java.util.Arrays;

/**
 * What the delay pool's departures hide, measured over a sliding window: the Shannon entropy of
 * "which held packet is leaving now", and the time-averaged number of packets held.
 *
 * <p>With memoryless (exponential) delays every packet in the pool is equally likely to be the next
 * to leave, whenever it arrived, so to an observer who sees every packet enter and leave, a
 * departure from a pool of N packets (the leaving one included) could be any of N: log2(N) bits. A
 * packet forwarded without a delay is a departure from a pool of one: 0 bits. The exported value is
 * the mean over the departures in the window. docs/anonymity.md derives it and states what it
 * assumes (real and cover packets alike, one packet size, senders that draw honest delays).
 *
 * <p>The window is {@code buckets} buckets of {@code bucketNanos}: the current, partial one and the
 * {@code buckets - 1} before it, so memory is fixed and each event costs O(1). Times are passed in
 * (nanoseconds on any monotonic clock), so tests drive it with their own. Thread-safe.
 */
final class DepartureEntropy {

  private static final double LN2 = Math.log(2);

  private final long bucketNanos;
  private final int buckets;
  private final long[] bucketIds;
  private final long[] departures;
  private final double[] bits;
  private final double[] heldNanos; // integral of the pool size over time, packet·ns
  private final long[] observedNanos;
  private int pool;
  private long lastNanos;
  private boolean started;

  DepartureEntropy(long bucketNanos, int buckets) {
    if (bucketNanos <= 0 || buckets < 1) {
      throw new IllegalArgumentException("bucket length and count must be positive");
    }
    this.bucketNanos = bucketNanos;
    this.buckets = buckets;
    this.bucketIds = new long[buckets];
    this.departures = new long[buckets];
    this.bits = new double[buckets];
    this.heldNanos = new double[buckets];
    this.observedNanos = new long[buckets];
    Arrays.fill(bucketIds, Long.MIN_VALUE);
  }

  /** A packet entered the pool at {@code nowNanos}. */
  synchronized void arrived(long nowNanos) {
    arrived(nowNanos, 1);
  }

  /** {@code count} packets entered the pool at {@code nowNanos}. */
  synchronized void arrived(long nowNanos, int count) {
    advance(nowNanos);
    pool += count;
  }

  /** {@code count} packets left the pool at {@code nowNanos}, one after another. */
  synchronized void departed(long nowNanos, int count) {
    advance(nowNanos);
    int slot = slot(nowNanos);
    for (int i = 0; i < count && pool > 0; i++) {
      departures[slot]++;
      bits[slot] += Math.log(pool) / LN2;
      pool--;
    }
  }

  /** {@code count} packets were forwarded at {@code nowNanos} without being held: 0 bits each. */
  synchronized void forwardedUnheld(long nowNanos, int count) {
    advance(nowNanos);
    departures[slot(nowNanos)] += count; // log2(1) = 0 bits
  }

  /** The mean entropy per departure in the window, in bits; 0 when nothing departed. */
  synchronized double entropyBits(long nowNanos) {
    advance(nowNanos);
    long n = 0;
    double sum = 0;
    for (int i = 0; i < buckets; i++) {
      if (inWindow(i, nowNanos)) {
        n += departures[i];
        sum += bits[i];
      }
    }
    return n == 0 ? 0 : sum / n;
  }

  /** Packets held, averaged over the observed part of the window; 0 before any time passed. */
  synchronized double meanPoolPackets(long nowNanos) {
    advance(nowNanos);
    double held = 0;
    long observed = 0;
    for (int i = 0; i < buckets; i++) {
      if (inWindow(i, nowNanos)) {
        held += heldNanos[i];
        observed += observedNanos[i];
      }
    }
    return observed == 0 ? 0 : held / observed;
  }

  /** Departures counted in the window. */
  synchronized long departuresInWindow(long nowNanos) {
    advance(nowNanos);
    long n = 0;
    for (int i = 0; i < buckets; i++) {
      if (inWindow(i, nowNanos)) {
        n += departures[i];
      }
    }
    return n;
  }

  /** The first instant the window covers at {@code nowNanos}: the start of the oldest bucket. */
  long windowStartNanos(long nowNanos) {
    return (Math.floorDiv(nowNanos, bucketNanos) - (buckets - 1)) * bucketNanos;
  }

  /** Integrates the pool size from the last event to {@code nowNanos}, bucket by bucket. */
  private void advance(long nowNanos) {
    if (!started) {
      started = true;
      lastNanos = nowNanos;
      slot(nowNanos);
      return;
    }
    if (nowNanos <= lastNanos) {
      return; // same instant (or a clock that did not move): nothing to integrate
    }
    long from = Math.max(lastNanos, windowStartNanos(nowNanos)); // older time falls out anyway
    while (from < nowNanos) {
      long bucketEnd = (Math.floorDiv(from, bucketNanos) + 1) * bucketNanos;
      long to = Math.min(bucketEnd, nowNanos);
      int slot = slot(from);
      heldNanos[slot] += (double) pool * (to - from);
      observedNanos[slot] += to - from;
      from = to;
    }
    slot(nowNanos);
    lastNanos = nowNanos;
  }

  /** The ring slot of the bucket holding {@code nanos}, cleared when it held an older bucket. */
  private int slot(long nanos) {
    long id = Math.floorDiv(nanos, bucketNanos);
    int slot = (int) Math.floorMod(id, (long) buckets);
    if (bucketIds[slot] != id) {
      bucketIds[slot] = id;
      departures[slot] = 0;
      bits[slot] = 0;
      heldNanos[slot] = 0;
      observedNanos[slot] = 0;
    }
    return slot;
  }

  private boolean inWindow(int slot, long nowNanos) {
    long id = bucketIds[slot];
    long current = Math.floorDiv(nowNanos, bucketNanos);
    return id != Long.MIN_VALUE && id > current - buckets && id <= current;
  }
}
