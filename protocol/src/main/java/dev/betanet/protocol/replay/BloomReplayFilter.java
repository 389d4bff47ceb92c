package dev.betanet.protocol.replay;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Replay filter made of two rotating blocked Bloom filters: one for the current period of the
 * {@link ReplayWindow} and one for the previous period. A tag enters the current filter; at each
 * period boundary the current filter becomes the previous one and the old previous one is dropped,
 * so a tag is remembered for at least one period, which is as long as its timestamp is accepted.
 *
 * <p>Blocked: all {@link #HASHES} bits of a tag fall in one 512-bit block (one cache line), so a
 * check costs one cache miss per filter instead of sixteen. With {@code bitsPerTag} = 32 the
 * false-positive rate of one full filter is about 5e-6, so about 1e-5 per packet checked against
 * both (docs/protocol.md derives it). A false positive drops one genuine packet.
 *
 * <p>Thread-safe. Check-and-insert is atomic per tag: 64 lock stripes chosen by tag bits, so two
 * copies of one packet processed at once cannot both pass; bits are set with atomic OR because
 * other stripes share the words. A check reads the clock under its stripe lock, and a rotation
 * holds every stripe: so the generation a check sees is always the one for the time it judged the
 * timestamp by, and the dropped filter can be cleared and reused as the new current one. The two
 * filters are allocated once, for the filter's life: a rotation allocates nothing (a fresh array
 * per period made the heap carry a third filter until the old one was collected).
 */
public final class BloomReplayFilter implements ReplayFilter {

  /** Bits set per tag. */
  public static final int HASHES = 16;

  private static final int BLOCK_BITS = 512;
  private static final int BLOCK_LONGS = BLOCK_BITS / 64;
  private static final int STRIPES = 64;
  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private record Generation(long period, long[] current, long[] previous) {}

  private final ReplayWindow window;
  private final InstantSource clock;
  private final long periodMillis;
  private final int blocks;
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

  /** Replaced only while every stripe is held; read under one. */
  private volatile Generation generation;

  /**
   * @param expectedPacketsPerSecond the peak rate the sizing is for; more packets raise the
   *     false-positive rate, never let a replay through
   * @param bitsPerTag bits of filter per expected tag (32 gives about 5e-6 per full filter)
   * @throws IllegalArgumentException when a filter would exceed 2^31 longs or a parameter is not
   *     positive
   */
  public BloomReplayFilter(
      ReplayWindow window, long expectedPacketsPerSecond, int bitsPerTag, InstantSource clock) {
    this.window = Objects.requireNonNull(window);
    this.clock = Objects.requireNonNull(clock);
    if (expectedPacketsPerSecond < 1 || bitsPerTag < 1) {
      throw new IllegalArgumentException("rate and bits per tag must be positive");
    }
    this.periodMillis = window.period().toMillis();
    long tagsPerPeriod = Math.ceilDiv(expectedPacketsPerSecond * periodMillis, 1000L);
    long bits = tagsPerPeriod * bitsPerTag;
    long blockCount = Math.max(1, Math.ceilDiv(bits, BLOCK_BITS));
    if (blockCount * BLOCK_LONGS > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("replay filter too large: " + bits + " bits");
    }
    this.blocks = (int) blockCount;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
    long period = Math.floorDiv(clock.millis(), periodMillis);
    int words = blocks * BLOCK_LONGS;
    this.generation = new Generation(period, new long[words], new long[words]);
  }

  /** Sized for {@code expectedPacketsPerSecond} with 32 bits per tag and the system clock. */
  public static BloomReplayFilter forRate(ReplayWindow window, long expectedPacketsPerSecond) {
    return new BloomReplayFilter(window, expectedPacketsPerSecond, 32, InstantSource.system());
  }

  /** Heap bytes held by the two filters, for the filter's whole life. */
  public long memoryBytes() {
    return 2L * blocks * BLOCK_LONGS * Long.BYTES;
  }

  @Override
  public Verdict check(byte[] tag, int offset, long timestampMillis) {
    long a = (long) LONG_BE.get(tag, offset);
    long b = (long) LONG_BE.get(tag, offset + 8);
    int base = (int) Long.remainderUnsigned(a, blocks) * BLOCK_LONGS;
    long[] mask = blockMask(b);
    ReentrantLock stripe = stripes[(int) (a >>> 58)];
    while (true) {
      stripe.lock();
      try {
        // The clock is read under the lock, where the generation cannot move: a tag whose
        // timestamp is accepted now went into this generation's current or previous filter.
        long now = clock.millis();
        if (!window.accepts(timestampMillis, now)) {
          return Verdict.EXPIRED;
        }
        Generation g = generation;
        if (g.period() >= Math.floorDiv(now, periodMillis)) {
          // Also when the clock stepped back: keep what we have rather than forget tags.
          if (contains(g.previous(), base, mask) || contains(g.current(), base, mask)) {
            return Verdict.REPLAY;
          }
          insert(g.current(), base, mask);
          return Verdict.FRESH;
        }
      } finally {
        stripe.unlock();
      }
      rotateTo(Math.floorDiv(clock.millis(), periodMillis));
    }
  }

  /**
   * Moves to {@code period} holding every stripe (in index order; a check holds at most one, so
   * this cannot deadlock): no check is between its clock read and its last bit, so the filter
   * dropped here can be cleared and become the new current one. Once per period; the checks wait
   * for one filter's clearing (0.3–0.4 ms for 12.5 MB; more the first time, when it faults pages
   * in).
   */
  private void rotateTo(long period) {
    for (ReentrantLock stripe : stripes) {
      stripe.lock();
    }
    try {
      Generation g = generation;
      if (g.period() >= period) {
        return; // another thread rotated first
      }
      long[] dropped = g.previous();
      long[] previous = g.current();
      Arrays.fill(dropped, 0L);
      if (g.period() + 1 < period) {
        Arrays.fill(previous, 0L); // two periods or more passed: both filters' tags have expired
      }
      generation = new Generation(period, dropped, previous);
    } finally {
      for (int i = STRIPES - 1; i >= 0; i--) {
        stripes[i].unlock();
      }
    }
  }

  /**
   * The tag's {@link #HASHES} bit positions in its block, as eight words. Positions are independent
   * 9-bit slices of {@code b} and of SplitMix64 steps from it; double hashing ({@code first + j *
   * step}) was tried and measured about 100 times worse in a 512-bit block.
   */
  private static long[] blockMask(long b) {
    long[] mask = new long[BLOCK_LONGS];
    long bits = b;
    int left = 64;
    for (int j = 0; j < HASHES; j++) {
      if (left < 9) {
        bits = mix(bits + j);
        left = 64;
      }
      int bit = (int) (bits & (BLOCK_BITS - 1));
      bits >>>= 9;
      left -= 9;
      mask[bit >>> 6] |= 1L << bit;
    }
    return mask;
  }

  /** The SplitMix64 finaliser: a bijection that spreads every input bit over the output. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static boolean contains(long[] filter, int base, long[] mask) {
    for (int w = 0; w < BLOCK_LONGS; w++) {
      long word = (long) LONGS.getOpaque(filter, base + w);
      if ((word & mask[w]) != mask[w]) {
        return false;
      }
    }
    return true;
  }

  private static void insert(long[] filter, int base, long[] mask) {
    for (int w = 0; w < BLOCK_LONGS; w++) {
      if (mask[w] != 0) {
        LONGS.getAndBitwiseOr(filter, base + w, mask[w]);
      }
    }
  }
}
