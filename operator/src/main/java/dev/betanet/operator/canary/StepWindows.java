package dev.betanet.operator.canary;

import dev.betanet.operator.analysis.MetricsScraper;
import dev.betanet.operator.analysis.RequestCounts;
import dev.betanet.operator.analysis.Window;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the routers of each cluster counted since the current canary step began, summed over
 * routers. Each router's counters are followed scrape to scrape, like Prometheus's {@code
 * increase()}, so a router that restarts mid-step loses nothing it had counted before.
 *
 * <p>Kept in memory, one entry per cluster: after an operator restart the current step's window
 * starts again at the first scrape (the step itself is kept in status). A router seen for the first
 * time in a step joins the window from that scrape on. JOSDK never reconciles one cluster on two
 * threads at once, so one cluster's window is never updated concurrently.
 */
@ApplicationScoped
public class StepWindows {

  /** One step of one cluster: a new weight or a new start time is a new window. */
  public record Key(String clusterUid, int weight, Instant stepStartedAt) {}

  /**
   * The step's window so far.
   *
   * @param unreachable routers not read this time, each {@code <pod>: <why>}
   * @param startedAt when the window began
   */
  public record Observation(
      Window mixnet,
      Window fallback,
      int answered,
      int total,
      List<String> unreachable,
      Instant startedAt) {}

  /** One router within a window: its last counters and what it added since the window began. */
  private record Followed(RequestCounts last, Window mixnet, Window fallback) {}

  private record Tracked(Key key, Instant startedAt, Map<String, Followed> routers) {}

  private final Map<String, Tracked> byCluster = new ConcurrentHashMap<>();

  /** Whether a window for {@code key} is open. */
  public boolean isOpen(Key key) {
    Tracked tracked = byCluster.get(key.clusterUid());
    return tracked != null && tracked.key().equals(key);
  }

  /** Opens the window of {@code key} with {@code scrapes} as its starting counts. */
  public void open(Key key, Map<String, MetricsScraper.Result> scrapes, Instant now) {
    Tracked tracked = new Tracked(key, now, new ConcurrentHashMap<>());
    scrapes.forEach(
        (pod, result) -> {
          if (result instanceof MetricsScraper.Scraped scraped) {
            tracked.routers().put(pod, new Followed(scraped.counts(), Window.EMPTY, Window.EMPTY));
          }
        });
    byCluster.put(key.clusterUid(), tracked);
  }

  /**
   * Adds {@code scrapes} to the window of {@code key} (opening it at {@code now} if it is not open)
   * and returns its totals.
   */
  public Observation observe(Key key, Map<String, MetricsScraper.Result> scrapes, Instant now) {
    if (!isOpen(key)) {
      open(key, Map.of(), now);
    }
    Tracked tracked = byCluster.get(key.clusterUid());
    int answered = 0;
    List<String> unreachable = new ArrayList<>();
    for (Map.Entry<String, MetricsScraper.Result> entry : scrapes.entrySet()) {
      String pod = entry.getKey();
      switch (entry.getValue()) {
        case MetricsScraper.Scraped scraped -> {
          answered++;
          RequestCounts counts = scraped.counts();
          tracked
              .routers()
              .merge(
                  pod,
                  new Followed(counts, Window.EMPTY, Window.EMPTY),
                  (was, joined) -> follow(was, counts));
        }
        case MetricsScraper.Unreachable down -> unreachable.add(pod + ": " + down.reason());
      }
    }
    Window mixnet = Window.EMPTY;
    Window fallback = Window.EMPTY;
    for (Followed router : tracked.routers().values()) {
      mixnet = mixnet.plus(router.mixnet());
      fallback = fallback.plus(router.fallback());
    }
    return new Observation(
        mixnet, fallback, answered, scrapes.size(), List.copyOf(unreachable), tracked.startedAt());
  }

  /** Drops the window of a cluster that is not progressing. */
  public void close(String clusterUid) {
    byCluster.remove(clusterUid);
  }

  private static Followed follow(Followed was, RequestCounts now) {
    return new Followed(
        now,
        was.mixnet()
            .plus(
                Window.between(
                    was.last().transport(RequestCounts.MIXNET),
                    now.transport(RequestCounts.MIXNET))),
        was.fallback()
            .plus(
                Window.between(
                    was.last().transport(RequestCounts.FALLBACK),
                    now.transport(RequestCounts.FALLBACK))));
  }
}
