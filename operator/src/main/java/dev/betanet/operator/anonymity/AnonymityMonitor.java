package dev.betanet.operator.anonymity;

import dev.betanet.operator.crd.AnonymityStatus;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.MixnetClusterStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Measures a cluster's anonymity in one reconcile: reads the mixnodes and routers ({@link
 * AnonymityScraper}), aggregates per layer ({@link LayerAggregation}) and picks the cover rate to
 * publish ({@link AdaptiveCover}).
 *
 * <p>Everything a decision rests on is in the API server: the entropy is a gauge read afresh, the
 * rate in force, its last change and since when the minimum holds are in {@code status.anonymity}.
 * Only the counters the cover share is measured against are kept in memory: after a restart the
 * first reading reports the share as unknown, and nothing is decided on it.
 */
@ApplicationScoped
public class AnonymityMonitor {

  /**
   * @param status the new {@code status.anonymity}, with {@code cover}
   * @param coverChanged adaptive cover changed the rate or reached its cap: worth an event
   */
  public record Outcome(AnonymityStatus status, boolean coverChanged) {
    /** The cover rate to publish, packets per second per node. */
    public int coverRate() {
      return status.cover.ratePerSecond;
    }
  }

  private static final Logger LOG = Logger.getLogger(AnonymityMonitor.class);

  private final AnonymityScraper scraper;
  private final Duration coverHold;
  private final Duration interval;
  private final Map<String, LayerAggregation.Counters> counters = new ConcurrentHashMap<>();

  @Inject
  public AnonymityMonitor(
      AnonymityScraper scraper,
      @ConfigProperty(name = "betanet.operator.anonymity.cover-hold", defaultValue = "2m")
          Duration coverHold,
      @ConfigProperty(name = "betanet.operator.anonymity.interval", defaultValue = "30s")
          Duration interval) {
    this.scraper = scraper;
    this.coverHold = coverHold;
    this.interval = interval;
  }

  /**
   * @param readyNodes StatefulSet names whose pod is ready
   */
  public Outcome measure(MixnetCluster cluster, Set<String> readyNodes, Instant now) {
    MixnetClusterStatus status = cluster.getStatus();
    AnonymityStatus previous = status == null ? null : status.anonymity;
    String key = key(cluster);
    AnonymityScraper.Readings readings = scraper.scrape(cluster, readyNodes);
    logUnread(key, readings);
    LayerAggregation.Aggregated aggregated =
        LayerAggregation.aggregate(
            readings,
            counters.get(key),
            previous == null ? null : previous.atMinimumSince,
            cluster.getSpec().canary.analysis.minEntropyBits,
            now);
    counters.put(key, aggregated.counters());
    AdaptiveCover.Decision cover =
        AdaptiveCover.decide(
            cluster.getSpec().coverTraffic,
            previous == null ? null : previous.cover,
            aggregated.status(),
            coverHold,
            now);
    aggregated.status().cover = cover.status();
    return new Outcome(aggregated.status(), cover.changed());
  }

  /** How soon to measure again: the layers' figures and adaptive cover follow load. */
  public Duration interval() {
    return interval;
  }

  /** Forgets the counters of clusters that are gone (by {@code namespace/name}). */
  public void retainOnly(Set<String> clusters) {
    counters.keySet().retainAll(clusters);
  }

  /** Status carries the reasons in the operator's words; the full ones go to the log. */
  private static void logUnread(String cluster, AnonymityScraper.Readings readings) {
    readings.layers().stream()
        .flatMap(List::stream)
        .filter(node -> !node.read())
        .forEach(
            node ->
                LOG.infof(
                    "%s: mixnode metrics unreadable: %s: %s", cluster, node.pod(), node.problem()));
    readings.routers().stream()
        .filter(router -> !router.read())
        .forEach(
            router ->
                LOG.infof(
                    "%s: router cover counter unreadable: %s: %s",
                    cluster, router.pod(), router.problem()));
  }

  private static String key(MixnetCluster cluster) {
    return cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
  }
}
