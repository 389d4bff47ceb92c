package dev.betanet.operator.anonymity;

import dev.betanet.operator.anonymity.AnonymityScraper.NodeResult;
import dev.betanet.operator.anonymity.AnonymityScraper.Readings;
import dev.betanet.operator.crd.AnonymityStatus;
import dev.betanet.operator.crd.LayerAnonymityStatus;
import dev.betanet.operator.status.StatusText;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one reading of the mixnodes (and routers) into {@code status.anonymity}: per layer the
 * departure entropy, mean pool and cover share; the weakest layer; since when it has been at or
 * above the canary's minimum. Plain Java.
 *
 * <p>A packet crosses one node per layer, so what a layer gives a packet is the entropy of the node
 * it crossed: the layer's figure is the nodes' entropies weighted by their share of the layer's
 * departures. Every node has the same mean delay 1/μ, so by Little's law a node's departure rate is
 * its mean pool N̄ times μ: weighting by N̄ is weighting by departures, with no rate to measure. A
 * node no packet crosses (N̄ = 0) exposes no packet, so it does not pull the layer down.
 *
 * <p>A ready node that cannot be read leaves its layer unknown, never estimated from the others:
 * the node not read could be the weak one.
 */
public final class LayerAggregation {

  /**
   * Cumulative counters of one reading, by pod: packets each mixnode forwarded, loop cover each
   * node (mixnode or router) sent. The next reading measures the cover share against them.
   */
  public record Counters(Map<String, Double> forwarded, Map<String, Double> coverSent) {
    public Counters {
      forwarded = Map.copyOf(forwarded);
      coverSent = Map.copyOf(coverSent);
    }
  }

  /**
   * @param counters what the next reading's cover share starts from
   */
  public record Aggregated(AnonymityStatus status, Counters counters) {}

  private LayerAggregation() {}

  /**
   * @param previous the counters of the reading before; null when there was none (the cover share
   *     is then unknown)
   * @param atMinimumSince {@code status.anonymity.atMinimumSince} as last written; null when none
   * @param minEntropyBits {@code spec.canary.analysis.minEntropyBits}
   */
  public static Aggregated aggregate(
      Readings readings,
      Counters previous,
      String atMinimumSince,
      double minEntropyBits,
      Instant now) {
    Map<String, Double> forwarded = new HashMap<>();
    Map<String, Double> coverSent = new HashMap<>();
    boolean everyNodeRead = true;
    for (List<NodeResult<MixnodeReading>> layer : readings.layers()) {
      for (NodeResult<MixnodeReading> node : layer) {
        if (node.read()) {
          forwarded.put(node.pod(), node.reading().forwarded());
          coverSent.put(node.pod(), node.reading().coverSent());
        } else {
          everyNodeRead = false;
        }
      }
    }
    for (NodeResult<Double> router : readings.routers()) {
      if (router.read()) {
        coverSent.put(router.pod(), router.reading());
      } else {
        everyNodeRead = false;
      }
    }
    // Every cover packet crosses every layer once: the cluster's cover is each layer's cover.
    Double coverIncrease =
        previous == null || !everyNodeRead ? null : increase(previous.coverSent(), coverSent);

    AnonymityStatus status = new AnonymityStatus();
    status.measuredAt = now.toString();
    boolean everyLayerKnown = true;
    for (int index = 0; index < readings.layers().size(); index++) {
      LayerAnonymityStatus layer =
          layer(index, readings.layers().get(index), previous, forwarded, coverSent, coverIncrease);
      status.layers.add(layer);
      if (layer.entropyBits == null) {
        everyLayerKnown = false;
      } else if (status.weakestEntropyBits == null
          || layer.entropyBits < status.weakestEntropyBits) {
        status.weakestLayer = index;
        status.weakestEntropyBits = layer.entropyBits;
      }
    }
    if (!everyLayerKnown || status.layers.isEmpty()) {
      status.weakestLayer = null;
      status.weakestEntropyBits = null;
    }
    if (status.weakestEntropyBits != null && status.weakestEntropyBits >= minEntropyBits) {
      status.atMinimumSince = atMinimumSince != null ? atMinimumSince : now.toString();
    }
    return new Aggregated(status, new Counters(forwarded, coverSent));
  }

  private static LayerAnonymityStatus layer(
      int index,
      List<NodeResult<MixnodeReading>> nodes,
      Counters previous,
      Map<String, Double> forwarded,
      Map<String, Double> coverSent,
      Double coverIncrease) {
    LayerAnonymityStatus layer = new LayerAnonymityStatus();
    layer.layer = index;
    layer.nodesReady = nodes.size();
    double weightedBits = 0;
    double plainBits = 0;
    double pools = 0;
    Map<String, Double> layerForwarded = new HashMap<>();
    Map<String, Double> layerOwnCover = new HashMap<>();
    for (NodeResult<MixnodeReading> node : nodes) {
      if (!node.read()) {
        // Status is public: the reason in the operator's own words, never the node's page.
        layer.unreadable.add(node.pod() + ": " + StatusText.unreachable(node.problem()));
        continue;
      }
      layer.nodesRead++;
      MixnodeReading reading = node.reading();
      weightedBits += reading.entropyBits() * reading.poolMeanPackets();
      plainBits += reading.entropyBits();
      pools += reading.poolMeanPackets();
      layerForwarded.put(node.pod(), forwarded.get(node.pod()));
      layerOwnCover.put(node.pod(), coverSent.get(node.pod()));
    }
    if (layer.nodesRead > 0) {
      layer.poolMeanPackets = pools / layer.nodesRead;
    }
    if (layer.nodesReady > 0 && layer.nodesRead == layer.nodesReady) {
      // All idle: every node reports 0 bits, and so does the plain mean.
      layer.entropyBits = pools > 0 ? weightedBits / pools : plainBits / layer.nodesRead;
      // A node counts the loop cover it makes as forwarded when it sends it, but that packet never
      // waited in its pool: what the layer relayed is what it forwarded less its own cover.
      Double forwardedIncrease =
          previous == null ? null : increase(previous.forwarded(), layerForwarded);
      Double ownCoverIncrease =
          previous == null ? null : increase(previous.coverSent(), layerOwnCover);
      if (coverIncrease != null && forwardedIncrease != null && ownCoverIncrease != null) {
        double relayed = forwardedIncrease - ownCoverIncrease;
        if (relayed > 0) {
          layer.coverShare = Math.min(1.0, coverIncrease / relayed);
        }
      }
    }
    return layer;
  }

  /**
   * The sum over pods of how much each counter grew, as Prometheus's {@code increase()}: a counter
   * that went down was restarted, and its whole value is new. Null when a pod was not in the
   * reading before (its increase is unknown).
   */
  static Double increase(Map<String, Double> before, Map<String, Double> after) {
    double sum = 0;
    for (Map.Entry<String, Double> counter : after.entrySet()) {
      Double was = before.get(counter.getKey());
      if (was == null) {
        return null;
      }
      double now = counter.getValue();
      sum += now >= was ? now - was : now;
    }
    return sum;
  }
}
