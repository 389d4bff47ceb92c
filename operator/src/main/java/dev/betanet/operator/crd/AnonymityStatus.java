package dev.betanet.operator.crd;

import java.util.ArrayList;
import java.util.List;

/**
 * How well the mix layers hide packets, from the mixnodes' departure entropy (docs/anonymity.md),
 * and the cover rate the operator publishes.
 */
public class AnonymityStatus {

  /** When the mixnodes were read (RFC 3339). */
  public String measuredAt;

  /** The layer with the lowest entropy (0-based); null when some layer could not be measured. */
  public Integer weakestLayer;

  /** The weakest layer's entropy in bits; null when some layer could not be measured. */
  public Double weakestEntropyBits;

  /**
   * Since when the weakest layer has stayed at or above {@code spec.canary.analysis.minEntropyBits}
   * (RFC 3339); null while it is below or unknown. A canary step counts its window from here at the
   * earliest.
   */
  public String atMinimumSince;

  /** Per layer, in layer order. */
  public List<LayerAnonymityStatus> layers = new ArrayList<>();

  /** The cover rate in force and how it was chosen. */
  public CoverStatus cover;
}
