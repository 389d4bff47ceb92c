package dev.betanet.operator.anonymity;

import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.metrics.Scrape;
import java.util.NoSuchElementException;

/**
 * What one mixnode's metrics page says about its pool (docs/anonymity.md): the departure entropy
 * and mean pool over the node's window, and the cumulative counters the cover share is computed
 * from.
 *
 * @param entropyBits {@code betanet_mixnode_departure_entropy_bits}
 * @param poolMeanPackets {@code betanet_mixnode_pool_mean_packets}
 * @param forwarded {@code betanet_mixnode_packets_total{result="forwarded"}}
 * @param coverSent {@code betanet_mixnode_cover_packets_total}: loop cover the node made
 */
public record MixnodeReading(
    double entropyBits, double poolMeanPackets, double forwarded, double coverSent) {

  static final String ENTROPY = MetricNames.MIXNODE_DEPARTURE_ENTROPY_BITS.prometheus();
  static final String POOL_MEAN = MetricNames.MIXNODE_POOL_MEAN_PACKETS.prometheus();
  static final String PACKETS = MetricNames.MIXNODE_PACKETS.prometheus();
  static final String COVER = MetricNames.MIXNODE_COVER_PACKETS.prometheus();

  /** The {@code result} label of a packet sent on to its next hop. */
  static final String FORWARDED = "forwarded";

  /**
   * @throws NoSuchElementException when the page lacks a series: a node too old to export entropy
   *     (or a renamed metric) must show as unread, never as 0 bits
   */
  public static MixnodeReading from(Scrape page) {
    Double forwarded = page.sumBy(PACKETS, "result").get(FORWARDED);
    if (forwarded == null) {
      throw new NoSuchElementException(
          "no series " + PACKETS + "{result=\"" + FORWARDED + "\"} in the scrape");
    }
    double entropy = page.sum(ENTROPY);
    double poolMean = page.sum(POOL_MEAN);
    if (!Double.isFinite(entropy) || entropy < 0 || !Double.isFinite(poolMean) || poolMean < 0) {
      // NaN, infinite or negative: not a figure to aggregate (and the page's numbers stay out of
      // status).
      throw new NoSuchElementException("departure entropy or mean pool is not a measurement");
    }
    return new MixnodeReading(entropy, poolMean, forwarded, page.sum(COVER));
  }
}
