package dev.betanet.operator.keys;

import java.time.Duration;
import java.time.Instant;

/**
 * When packet keys are replaced and when the previous key stops being accepted. A rotation puts a
 * new key in front and keeps the previous one; only after {@code overlap} is the previous one
 * retired, so packets built with it (in flight, or by a sender that has not yet seen the new
 * topology) still decrypt.
 */
public record KeyRotationPolicy(Duration interval, Duration overlap) {

  public KeyRotationPolicy {
    if (overlap.compareTo(interval) >= 0) {
      throw new IllegalArgumentException("the overlap must be shorter than the rotation interval");
    }
  }

  public boolean rotationDue(Instant rotatedAt, Instant now) {
    return !now.isBefore(rotatedAt.plus(interval));
  }

  /** Whether keys older than the newest may be dropped. */
  public boolean overlapOver(Instant rotatedAt, Instant now) {
    return !now.isBefore(rotatedAt.plus(overlap));
  }

  /** Time until the next retirement or rotation, never negative. */
  public Duration untilNextAction(Instant rotatedAt, Instant now) {
    Instant next = overlapOver(rotatedAt, now) ? rotatedAt.plus(interval) : rotatedAt.plus(overlap);
    Duration left = Duration.between(now, next);
    return left.isNegative() ? Duration.ZERO : left;
  }
}
