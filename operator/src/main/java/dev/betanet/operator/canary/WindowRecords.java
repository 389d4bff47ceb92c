package dev.betanet.operator.canary;

import dev.betanet.operator.analysis.RequestCounts;
import dev.betanet.operator.analysis.Window;
import dev.betanet.operator.canary.StepWindows.Followed;
import dev.betanet.operator.canary.StepWindows.StepWindow;
import dev.betanet.operator.crd.CanaryWindowStatus;
import dev.betanet.operator.crd.RouterWindowStatus;
import dev.betanet.operator.crd.TransportCounters;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Writes a {@link StepWindow} into {@code status.canary.window} and reads it back, losslessly: the
 * counters are the routers' own (whole numbers as doubles), the bucket bounds their Prometheus
 * spelling. A record that cannot be read (hand-edited status) is no window: the step is then
 * observed afresh, which can only delay it, never skip it.
 */
public final class WindowRecords {

  private static final String INF = "+Inf";

  private WindowRecords() {}

  public static CanaryWindowStatus record(StepWindow window) {
    CanaryWindowStatus status = new CanaryWindowStatus();
    status.weight = window.weight();
    status.stepStartedAt =
        window.stepStartedAt() == null ? null : window.stepStartedAt().toString();
    status.startedAt = window.startedAt().toString();
    window.routers().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            entry -> {
              RouterWindowStatus router = new RouterWindowStatus();
              router.pod = entry.getKey();
              Followed followed = entry.getValue();
              router.lastMixnet = counters(followed.last().transport(RequestCounts.MIXNET));
              router.lastFallback = counters(followed.last().transport(RequestCounts.FALLBACK));
              router.mixnet = counters(followed.mixnet());
              router.fallback = counters(followed.fallback());
              status.routers.add(router);
            });
    return status;
  }

  public static Optional<StepWindow> read(CanaryWindowStatus status) {
    if (status == null || status.startedAt == null || status.routers == null) {
      return Optional.empty();
    }
    try {
      Map<String, Followed> routers = new LinkedHashMap<>();
      for (RouterWindowStatus router : status.routers) {
        RequestCounts last =
            new RequestCounts(
                Map.of(
                    RequestCounts.MIXNET,
                    counts(router.lastMixnet),
                    RequestCounts.FALLBACK,
                    counts(router.lastFallback)));
        routers.put(router.pod, new Followed(last, window(router.mixnet), window(router.fallback)));
      }
      return Optional.of(
          new StepWindow(
              status.weight,
              status.stepStartedAt == null ? null : Instant.parse(status.stepStartedAt),
              Instant.parse(status.startedAt),
              routers));
    } catch (DateTimeParseException | NumberFormatException | NullPointerException e) {
      return Optional.empty();
    }
  }

  private static TransportCounters counters(RequestCounts.TransportCounts counts) {
    return counters(counts.ok(), counts.errors(), counts.buckets());
  }

  private static TransportCounters counters(Window window) {
    return counters(window.ok(), window.errors(), window.buckets());
  }

  private static TransportCounters counters(
      double ok, double errors, TreeMap<Double, Double> buckets) {
    TransportCounters counters = new TransportCounters();
    counters.ok = ok;
    counters.errors = errors;
    buckets.forEach((le, count) -> counters.buckets.put(bound(le), count));
    return counters;
  }

  private static RequestCounts.TransportCounts counts(TransportCounters counters) {
    return new RequestCounts.TransportCounts(counters.ok, counters.errors, buckets(counters));
  }

  private static Window window(TransportCounters counters) {
    return new Window(counters.ok, counters.errors, buckets(counters));
  }

  private static TreeMap<Double, Double> buckets(TransportCounters counters) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    if (counters.buckets != null) {
      counters.buckets.forEach((le, count) -> buckets.put(parseBound(le), count));
    }
    return buckets;
  }

  private static String bound(double le) {
    return le == Double.POSITIVE_INFINITY ? INF : Double.toString(le);
  }

  private static double parseBound(String le) {
    return INF.equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
  }
}
