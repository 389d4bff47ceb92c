package dev.betanet.operator.canary;

import dev.betanet.operator.analysis.MetricsScraper;
import dev.betanet.operator.analysis.RequestCounts;
import dev.betanet.operator.analysis.RequestStats;
import dev.betanet.operator.analysis.Window;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the routers of a cluster counted since the current canary step began, summed over routers.
 * Each router's counters are followed scrape to scrape, like Prometheus's {@code increase()}, so a
 * router that restarts mid-step loses nothing it had counted before.
 *
 * <p>Plain values, no memory of its own: the window travels in {@code status.canary.window} (see
 * {@link WindowRecords}), so an operator that restarts, or a new leader, judges the step on with
 * the same start and the same counts. A router seen for the first time in a step joins the window
 * from that scrape on.
 */
public final class StepWindows {

  /**
   * One step's window.
   *
   * @param weight the weight of the step it judges
   * @param stepStartedAt when that step came into force: with the weight, which step it is
   * @param startedAt when the window began
   * @param routers each router's counters, by pod name
   */
  public record StepWindow(
      int weight, Instant stepStartedAt, Instant startedAt, Map<String, Followed> routers) {
    public StepWindow {
      routers = Map.copyOf(routers);
    }

    /** Whether this is the window of the step at {@code weight} that came into force then. */
    public boolean judges(int weight, Instant stepStartedAt) {
      return this.weight == weight && Objects.equals(this.stepStartedAt, stepStartedAt);
    }
  }

  /** One router within a window: its last counters and what it added since the window began. */
  public record Followed(RequestCounts last, Window mixnet, Window fallback) {}

  /**
   * The step's window so far.
   *
   * @param mixnet what the mixnet carried, from whichever provider measured it
   * @param fallback what the fallback tunnel carried; null when the provider does not measure it
   * @param unreachable routers not read this time, each {@code <pod>: <why>}
   * @param startedAt when the window began
   * @param unavailable why the provider could not measure the window at all; null when it did
   */
  public record Observation(
      RequestStats mixnet,
      RequestStats fallback,
      int answered,
      int total,
      List<String> unreachable,
      Instant startedAt,
      Unavailable unavailable) {

    /** A window the provider could not measure: nothing may be judged from it. */
    public static Observation unavailable(int total, Instant startedAt, Unavailable why) {
      return new Observation(Window.EMPTY, null, 0, total, List.of(), startedAt, why);
    }
  }

  /**
   * Why a provider has no counts for a window (its source is down, rejects the query, or has no
   * series): never read as zero errors.
   *
   * @param reason a CamelCase word for status conditions and events
   * @param message for people; never holds a credential
   */
  public record Unavailable(String reason, String message) {}

  /**
   * A window moved forward by one measurement, and its totals.
   *
   * @param scrapes what each router's metrics endpoint returned (direct provider; empty otherwise)
   */
  public record Observed(
      StepWindow window, Observation observation, Map<String, MetricsScraper.Result> scrapes) {}

  private StepWindows() {}

  /** A new window for the step, with {@code scrapes} as its starting counts. */
  public static StepWindow open(
      int weight, Instant stepStartedAt, Map<String, MetricsScraper.Result> scrapes, Instant now) {
    Map<String, Followed> routers = new LinkedHashMap<>();
    scrapes.forEach(
        (pod, result) -> {
          if (result instanceof MetricsScraper.Scraped scraped) {
            routers.put(pod, new Followed(scraped.counts(), Window.EMPTY, Window.EMPTY));
          }
        });
    return new StepWindow(weight, stepStartedAt, now, routers);
  }

  /** Adds {@code scrapes} to {@code window}. */
  public static Observed observe(StepWindow window, Map<String, MetricsScraper.Result> scrapes) {
    Map<String, Followed> routers = new LinkedHashMap<>(window.routers());
    int answered = 0;
    List<String> unreachable = new ArrayList<>();
    for (Map.Entry<String, MetricsScraper.Result> entry : scrapes.entrySet()) {
      String pod = entry.getKey();
      switch (entry.getValue()) {
        case MetricsScraper.Scraped scraped -> {
          answered++;
          RequestCounts counts = scraped.counts();
          routers.merge(
              pod,
              new Followed(counts, Window.EMPTY, Window.EMPTY),
              (was, joined) -> follow(was, counts));
        }
        case MetricsScraper.Unreachable down -> unreachable.add(pod + ": " + down.reason());
      }
    }
    Window mixnet = Window.EMPTY;
    Window fallback = Window.EMPTY;
    for (Followed router : routers.values()) {
      mixnet = mixnet.plus(router.mixnet());
      fallback = fallback.plus(router.fallback());
    }
    StepWindow moved =
        new StepWindow(window.weight(), window.stepStartedAt(), window.startedAt(), routers);
    return new Observed(
        moved,
        new Observation(
            mixnet,
            fallback,
            answered,
            scrapes.size(),
            List.copyOf(unreachable),
            window.startedAt(),
            null),
        scrapes);
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
