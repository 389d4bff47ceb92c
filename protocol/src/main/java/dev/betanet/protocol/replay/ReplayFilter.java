package dev.betanet.protocol.replay;

/**
 * Refuses packets seen before and packets whose timestamp lies outside the replay window. A node
 * keeps one filter across key and topology reloads (a new filter would accept replays again).
 *
 * <p>Implementations are thread-safe: mixnodes call them from every crypto thread.
 */
public interface ReplayFilter {

  /** Bytes of a replay tag (derived from the packet's shared secret with HKDF). */
  int TAG_BYTES = 16;

  /** The filter's decision on one packet. */
  enum Verdict {
    /** Never seen and inside the window: process it (its tag is now recorded). */
    FRESH,
    /** Seen before (or, with a small stated probability, a Bloom-filter false positive). */
    REPLAY,
    /** The timestamp is too old or too far in the future. */
    EXPIRED,
    /**
     * The timestamp is older than this node process's memory: a copy may have passed before a
     * restart ({@link SinceStartReplayFilter}).
     */
    BEFORE_START
  }

  /**
   * Checks the packet and, when it is fresh, records its tag, atomically: of two concurrent calls
   * with the same tag, at most one returns FRESH.
   *
   * @param tag 16 uniformly random bytes at {@code tag[offset ..]}, not retained
   * @param timestampMillis the packet's creation time, milliseconds since the Unix epoch
   */
  Verdict check(byte[] tag, int offset, long timestampMillis);
}
