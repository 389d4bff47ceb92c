package dev.betanet.operator.keys;

import java.time.Duration;
import java.time.Instant;

/**
 * When packet keys are replaced, when senders start using the new key, and when the previous key
 * stops being accepted. Nodes and senders learn of keys through different objects (each node its
 * key Secret, senders the topology ConfigMap) which reach their pods at different times, so a
 * rotation has three moments, each {@code overlap / 2} apart:
 *
 * <ol>
 *   <li>at {@code rotatedAt} the new key is added to every node's Secret, beside the old one; the
 *       topology still publishes the old one, so nothing is sent with the new key yet;
 *   <li>at {@code rotatedAt + overlap / 2} the topology publishes the new key: every node has had
 *       half the overlap to load it, so the first packets built with it decrypt;
 *   <li>at {@code rotatedAt + overlap} the old key is retired: senders have had half the overlap to
 *       see the new topology, and packets built with the old key before that are long delivered.
 * </ol>
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

  /**
   * Due on schedule, or because a rotation was asked for ({@code spec.rotateKeysAt}) after the last
   * one: at the time asked, and never inside a rotation's overlap (a second rotation then would
   * retire a key senders still use).
   *
   * @param requestedAt the time asked for, or null
   */
  public boolean rotationDue(Instant rotatedAt, Instant requestedAt, Instant now) {
    boolean requested =
        requestedAt != null
            && requestedAt.isAfter(rotatedAt)
            && !now.isBefore(requestedAt)
            && overlapOver(rotatedAt, now);
    return requested || rotationDue(rotatedAt, now);
  }

  /** Whether the topology publishes the newest key (else still the previous one). */
  public boolean newestKeyInUse(Instant rotatedAt, Instant now) {
    return !now.isBefore(rotatedAt.plus(overlap.dividedBy(2)));
  }

  /** Whether keys older than the newest may be dropped. */
  public boolean overlapOver(Instant rotatedAt, Instant now) {
    return !now.isBefore(rotatedAt.plus(overlap));
  }

  /** Time until the next switch, retirement or rotation, never negative. */
  public Duration untilNextAction(Instant rotatedAt, Instant now) {
    Instant next =
        !newestKeyInUse(rotatedAt, now)
            ? rotatedAt.plus(overlap.dividedBy(2))
            : !overlapOver(rotatedAt, now) ? rotatedAt.plus(overlap) : rotatedAt.plus(interval);
    Duration left = Duration.between(now, next);
    return left.isNegative() ? Duration.ZERO : left;
  }
}
