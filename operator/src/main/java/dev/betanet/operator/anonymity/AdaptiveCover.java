package dev.betanet.operator.anonymity;

import dev.betanet.operator.crd.AnonymityStatus;
import dev.betanet.operator.crd.CoverStatus;
import dev.betanet.operator.crd.CoverTrafficMode;
import dev.betanet.operator.crd.CoverTrafficSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Chooses the cover rate to publish. {@code fixed}: {@code spec.coverTraffic.rate}. {@code
 * adaptive}: moves the rate so the weakest layer's departure entropy stays at the target, within
 * {@code maxRate}. Plain Java; the rate in force and the last change live in {@code
 * status.anonymity.cover}, so a restarted operator goes on from them.
 *
 * <p>How it avoids oscillating, each rule for a reason:
 *
 * <ul>
 *   <li><b>Hold time.</b> After a change nothing is judged for {@code hold}: nodes learn the rate
 *       when the kubelet refreshes the topology (about a minute) and the entropy they export is a
 *       60 s mean, so judging sooner would read the old rate's effect and change again.
 *   <li><b>A dead band.</b> Raise below the target; lower only above target + {@value
 *       #DEADBAND_BITS} bits. Between the two nothing moves, so measurement noise around the target
 *       does not flip the rate up and down.
 *   <li><b>Steps sized by the model, bounded.</b> With a pool large enough, H ≈ log₂ N̄ and N̄
 *       grows with the arrival rate, so the factor that closes the gap is about 2^(target − H): the
 *       step is that factor, at most ×{@value #MAX_RAISE} up and ×{@value #MAX_LOWER} down (cover
 *       goes up fast, because low anonymity is the worse error, and down slowly).
 * </ul>
 */
public final class AdaptiveCover {

  /** How far above the target the weakest layer must be before the rate is lowered. */
  public static final double DEADBAND_BITS = 0.5;

  static final double MAX_RAISE = 2.0;
  static final double MAX_LOWER = 0.75;

  /** The first rate from 0: an eighth of the cap, so the cap is reached in four raises. */
  static final int FIRST_RATE_DIVISOR = 8;

  public static final String FIXED = "Fixed";
  public static final String RAISED = "Raised";
  public static final String LOWERED = "Lowered";
  public static final String AT_TARGET = "AtTarget";
  public static final String AT_CAP = "AtCap";
  public static final String WAITING = "Waiting";
  public static final String NOT_MEASURED = "NotMeasured";

  /**
   * @param status {@code status.anonymity.cover} to write
   * @param changed adaptive cover changed the rate, or reached the cap: worth an event
   */
  public record Decision(CoverStatus status, boolean changed) {
    public int rate() {
      return status.ratePerSecond;
    }
  }

  private AdaptiveCover() {}

  /**
   * @param previous {@code status.anonymity.cover} as last written; null when none
   * @param measured this reconcile's reading of the layers
   * @param hold how long a change is left to take effect before it is judged
   */
  public static Decision decide(
      CoverTrafficSpec spec,
      CoverStatus previous,
      AnonymityStatus measured,
      Duration hold,
      Instant now) {
    if (spec.mode != CoverTrafficMode.ADAPTIVE) {
      return new Decision(
          status(
              CoverTrafficMode.FIXED,
              spec.rate,
              null,
              FIXED,
              "spec.coverTraffic.rate: " + spec.rate + per()),
          false);
    }
    boolean wasAdaptive = previous != null && previous.mode == CoverTrafficMode.ADAPTIVE;
    int current = wasAdaptive ? previous.ratePerSecond : spec.rate;
    String lastChange = wasAdaptive ? previous.lastChangeAt : null;
    if (current > spec.maxRate) {
      return changed(
          spec.maxRate,
          LOWERED,
          String.format(
              Locale.ROOT, "cover %d → %d packets/s per node: maxRate", current, spec.maxRate),
          now);
    }
    Double bits = measured.weakestEntropyBits;
    if (bits == null) {
      return kept(current, lastChange, NOT_MEASURED, "not every layer was measured: rate kept");
    }
    if (lastChange != null && now.isBefore(Instant.parse(lastChange).plus(hold))) {
      return kept(
          current,
          lastChange,
          WAITING,
          "rate changed at " + lastChange + "; judged again " + hold + " after the change");
    }
    String weakest =
        String.format(
            Locale.ROOT,
            "layer %d at %.2f bits, target %.2f",
            measured.weakestLayer,
            bits,
            spec.targetEntropyBits);
    if (bits < spec.targetEntropyBits) {
      if (current >= spec.maxRate) {
        String message =
            weakest
                + String.format(
                    Locale.ROOT,
                    ": cover already at maxRate %d packets/s per node; more load, a longer"
                        + " meanDelay or a higher maxRate would raise it",
                    spec.maxRate);
        boolean newly = !(wasAdaptive && AT_CAP.equals(previous.reason));
        return new Decision(
            status(CoverTrafficMode.ADAPTIVE, current, lastChange, AT_CAP, message), newly);
      }
      double factor = Math.min(MAX_RAISE, Math.pow(2, spec.targetEntropyBits - bits));
      int raised =
          current == 0
              ? Math.max(1, spec.maxRate / FIRST_RATE_DIVISOR)
              : Math.max(current + 1, (int) Math.ceil(current * factor));
      int next = Math.min(spec.maxRate, raised);
      return changed(next, RAISED, weakest + ": cover " + current + " → " + next + per(), now);
    }
    if (bits > spec.targetEntropyBits + DEADBAND_BITS && current > 0) {
      double factor = Math.max(MAX_LOWER, Math.pow(2, spec.targetEntropyBits - bits));
      int next = Math.max(0, Math.min(current - 1, (int) Math.floor(current * factor)));
      return changed(next, LOWERED, weakest + ": cover " + current + " → " + next + per(), now);
    }
    return kept(current, lastChange, AT_TARGET, weakest + ": cover kept at " + current + per());
  }

  private static String per() {
    return " packets/s per node";
  }

  private static Decision changed(int rate, String reason, String message, Instant now) {
    return new Decision(
        status(CoverTrafficMode.ADAPTIVE, rate, now.toString(), reason, message), true);
  }

  private static Decision kept(int rate, String lastChange, String reason, String message) {
    return new Decision(
        status(CoverTrafficMode.ADAPTIVE, rate, lastChange, reason, message), false);
  }

  private static CoverStatus status(
      CoverTrafficMode mode, int rate, String lastChange, String reason, String message) {
    CoverStatus status = new CoverStatus();
    status.mode = mode;
    status.ratePerSecond = rate;
    status.lastChangeAt = lastChange;
    status.reason = reason;
    status.message = message;
    return status;
  }
}
