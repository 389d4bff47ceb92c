package dev.betanet.operator.status;

import dev.betanet.operator.anonymity.EntropyGate;
import dev.betanet.operator.crd.AnonymityStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Sets condition {@code AnonymityHealthy} from {@code status.anonymity}. Plain Java. */
public final class AnonymityReport {

  public static final String ANONYMITY_HEALTHY = "AnonymityHealthy";

  private AnonymityReport() {}

  /**
   * True when the weakest layer is at or above {@code minEntropyBits}, False below it, Unknown when
   * a layer could not be measured; the message names the weakest layer and its figure.
   */
  public static List<Condition> conditions(
      List<Condition> conditions,
      AnonymityStatus anonymity,
      double minEntropyBits,
      long generation,
      Instant now) {
    String minimum =
        String.format(
            Locale.ROOT, "minimum %.2f bits (spec.canary.analysis.minEntropyBits)", minEntropyBits);
    if (anonymity == null || anonymity.weakestEntropyBits == null) {
      return Conditions.set(
          conditions,
          ANONYMITY_HEALTHY,
          Conditions.UNKNOWN,
          EntropyGate.UNKNOWN,
          EntropyGate.unmeasured(anonymity),
          generation,
          now);
    }
    boolean atMinimum = anonymity.weakestEntropyBits >= minEntropyBits;
    return Conditions.set(
        conditions,
        ANONYMITY_HEALTHY,
        atMinimum,
        atMinimum ? EntropyGate.AT_MINIMUM : EntropyGate.BELOW,
        EntropyGate.weakest(anonymity)
            + (atMinimum ? ", at or above the " : ", below the ")
            + minimum,
        generation,
        now);
  }
}
