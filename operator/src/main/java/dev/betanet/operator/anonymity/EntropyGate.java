package dev.betanet.operator.anonymity;

import dev.betanet.operator.analysis.CanaryJudge;
import dev.betanet.operator.crd.AnonymityStatus;
import dev.betanet.operator.crd.LayerAnonymityStatus;
import java.time.Instant;
import java.util.Locale;

/**
 * The canary's anonymity gate: a step may advance only while the weakest mix layer is at or above
 * {@code spec.canary.analysis.minEntropyBits}, and only after a full step window since it got
 * there. Below it the step holds, never rolls back: low entropy is a fact of load (too few packets
 * to mix with), not a fault of the new weight, and more flows on the mixnet are what raise it. Kept
 * apart from {@code CanaryJudge}, which judges the routers' requests however they are fetched.
 * Plain Java.
 */
public final class EntropyGate {

  /** The weakest layer is below the minimum. */
  public static final String BELOW = "EntropyBelowMinimum";

  /** A layer could not be measured (no ready node, or a node not read). */
  public static final String UNKNOWN = "EntropyUnknown";

  /** The weakest layer is at or above the minimum. */
  public static final String AT_MINIMUM = "EntropyAtMinimum";

  /**
   * @param passes the step may advance as far as anonymity goes
   * @param countsFrom the earliest the step's window may start counting (since when the weakest
   *     layer has been at the minimum); null when the gate is off
   * @param reason {@link #BELOW}, {@link #UNKNOWN} or {@link #AT_MINIMUM}
   * @param message the weakest layer and its figure, for people
   */
  public record Result(boolean passes, Instant countsFrom, String reason, String message) {

    /**
     * When a step window that began at {@code windowStart} starts to count: at the latest of the
     * two, so a step passes after a full window at or above the minimum, never one that dipped
     * below it and came back just before the end.
     */
    public Instant windowCountsFrom(Instant windowStart) {
      return countsFrom != null && countsFrom.isAfter(windowStart) ? countsFrom : windowStart;
    }

    /**
     * The requests' verdict with this gate applied: held while the weakest layer is below the
     * minimum or unmeasured; a proven breach still rolls back (low anonymity does not excuse
     * failing requests).
     */
    public CanaryJudge.Verdict applyTo(CanaryJudge.Verdict requests) {
      if (requests.decision() == CanaryJudge.Decision.ROLLBACK || passes) {
        return requests;
      }
      return new CanaryJudge.Verdict(CanaryJudge.Decision.HOLD, reason, message);
    }
  }

  private EntropyGate() {}

  /**
   * @param minEntropyBits 0 turns the gate off (it then passes without any measurement)
   */
  public static Result judge(AnonymityStatus anonymity, double minEntropyBits) {
    if (minEntropyBits <= 0) {
      return new Result(true, null, AT_MINIMUM, "no minimum entropy (minEntropyBits 0)");
    }
    if (anonymity == null || anonymity.weakestEntropyBits == null) {
      return new Result(false, null, UNKNOWN, unmeasured(anonymity));
    }
    String figure = weakest(anonymity);
    if (anonymity.weakestEntropyBits < minEntropyBits) {
      return new Result(
          false,
          null,
          BELOW,
          figure + String.format(Locale.ROOT, " below minEntropyBits %.2f", minEntropyBits));
    }
    return new Result(
        true,
        Instant.parse(anonymity.atMinimumSince),
        AT_MINIMUM,
        figure + String.format(Locale.ROOT, ", at or above minEntropyBits %.2f", minEntropyBits));
  }

  /** The weakest layer and its numbers: {@code layer 1 departure entropy 0.84 bits (...)}. */
  public static String weakest(AnonymityStatus anonymity) {
    LayerAnonymityStatus layer = anonymity.layers.get(anonymity.weakestLayer);
    String cover =
        layer.coverShare == null
            ? ""
            : String.format(Locale.ROOT, ", %.0f%% cover", 100 * layer.coverShare);
    return String.format(
        Locale.ROOT,
        "weakest layer %d: departure entropy %.2f bits (mean pool %.1f packets%s)",
        layer.layer,
        layer.entropyBits,
        layer.poolMeanPackets == null ? 0.0 : layer.poolMeanPackets,
        cover);
  }

  /** Why the weakest layer is unknown: the first layer not measured, and why. */
  public static String unmeasured(AnonymityStatus anonymity) {
    if (anonymity == null || anonymity.layers.isEmpty()) {
      return "the mix layers were not measured";
    }
    for (LayerAnonymityStatus layer : anonymity.layers) {
      if (layer.entropyBits != null) {
        continue;
      }
      if (layer.nodesReady == 0) {
        return "layer " + layer.layer + " has no ready mixnode to measure";
      }
      return "layer "
          + layer.layer
          + " not measured: "
          + layer.unreadable.size()
          + " of "
          + layer.nodesReady
          + " ready mixnodes unread ("
          + String.join("; ", layer.unreadable)
          + ")";
    }
    return "the mix layers were not measured";
  }
}
