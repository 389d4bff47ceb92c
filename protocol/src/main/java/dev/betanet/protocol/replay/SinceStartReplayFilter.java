package dev.betanet.protocol.replay;

import java.time.InstantSource;
import java.util.Objects;

/**
 * A replay filter for a node process: refuses every packet whose timestamp the process cannot vouch
 * for, then asks the filter it wraps.
 *
 * <p>Why: the replay filter lives in memory, so a restarted node has forgotten the packets it saw
 * before. A packet captured on the wire shortly before a restart would pass again after it and
 * leave as byte-identical output — the classic replay that links a node's input to its output. The
 * previous process may have accepted any packet stamped up to {@code maxSkew} past its own clock,
 * so only a timestamp at or after {@code start + maxSkew} proves the packet was made after the
 * previous process stopped seeing packets. Earlier ones are refused as {@link
 * ReplayFilter.Verdict#BEFORE_START}. After one window {@code maxAge} has passed the bound is moot:
 * the window itself refuses everything older.
 *
 * <p>The price: genuine packets stamped before that instant (those in flight at the restart, and
 * those made in the rest of the senders' timestamp quantum, 10 s by default) are refused too; a
 * restart already loses every packet held in the delay pool. Persisting the filter instead was
 * rejected: it covers no crash, and writing 25–50 MB per period is not free (docs/protocol.md).
 *
 * <p>Thread-safe when the wrapped filter is.
 */
public final class SinceStartReplayFilter implements ReplayFilter {

  private final ReplayFilter filter;
  private final ReplayWindow window;
  private final InstantSource clock;
  private final long acceptsFromMillis;

  /**
   * @param filter the node's replay filter, empty now
   * @param window the window {@code filter} applies
   * @param clock the clock {@code filter} reads; now is the start of this process's memory
   */
  public SinceStartReplayFilter(ReplayFilter filter, ReplayWindow window, InstantSource clock) {
    this.filter = Objects.requireNonNull(filter);
    this.window = Objects.requireNonNull(window);
    this.clock = Objects.requireNonNull(clock);
    this.acceptsFromMillis = clock.millis() + window.maxSkew().toMillis();
  }

  /** The earliest packet timestamp accepted, milliseconds since the Unix epoch. */
  public long acceptsFromMillis() {
    return acceptsFromMillis;
  }

  @Override
  public Verdict check(byte[] tag, int offset, long timestampMillis) {
    if (timestampMillis < acceptsFromMillis) {
      // Outside the window is the plainer reason; say that one when both hold.
      return window.accepts(timestampMillis, clock.millis())
          ? Verdict.BEFORE_START
          : Verdict.EXPIRED;
    }
    return filter.check(tag, offset, timestampMillis);
  }
}
