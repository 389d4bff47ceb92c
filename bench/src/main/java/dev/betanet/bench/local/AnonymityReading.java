package dev.betanet.bench.local;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code status.anonymity} as the operator wrote it (docs/operations.md, "Anonymity"): the
 * figures a user sees, which is what the entropy bench reports.
 *
 * @param measuredAt when the operator read the mixnodes
 * @param layers per layer, in layer order
 * @param coverRate the cover rate in force ({@code cover.ratePerSecond}), per node
 */
record AnonymityReading(Instant measuredAt, List<Layer> layers, int coverRate) {

  /**
   * @param entropyBits departure entropy, weighted by the nodes' mean pools
   * @param poolMeanPackets mean packets held per node
   * @param coverShare share of forwarded packets that were cover; null before two readings
   */
  record Layer(int layer, double entropyBits, double poolMeanPackets, Double coverShare) {}

  /** The lowest layer entropy: what the canary gate and adaptive cover judge. */
  double weakestBits() {
    return layers.stream().mapToDouble(Layer::entropyBits).min().orElseThrow();
  }

  /**
   * The reading in a MixnetCluster's status; empty while there is none, a layer is not yet measured
   * (a node unread leaves its layer unknown) or the cover rate is not written.
   */
  static Optional<AnonymityReading> fromStatus(Map<?, ?> status) {
    if (!(status.get("anonymity") instanceof Map<?, ?> anonymity)
        || !(anonymity.get("measuredAt") instanceof String measuredAt)
        || !(anonymity.get("layers") instanceof List<?> layerList)
        || layerList.isEmpty()) {
      return Optional.empty();
    }
    List<Layer> layers = new ArrayList<>();
    for (Object item : layerList) {
      if (!(item instanceof Map<?, ?> layer)
          || !(layer.get("entropyBits") instanceof Number bits)
          || !(layer.get("poolMeanPackets") instanceof Number pool)) {
        return Optional.empty();
      }
      Double cover = layer.get("coverShare") instanceof Number n ? n.doubleValue() : null;
      layers.add(
          new Layer(
              ((Number) layer.get("layer")).intValue(),
              bits.doubleValue(),
              pool.doubleValue(),
              cover));
    }
    if (!(anonymity.get("cover") instanceof Map<?, ?> cover)
        || !(cover.get("ratePerSecond") instanceof Number rate)) {
      return Optional.empty();
    }
    return Optional.of(new AnonymityReading(Instant.parse(measuredAt), layers, rate.intValue()));
  }
}
