package dev.betanet.operator.analysis;

import dev.betanet.operator.analysis.PrometheusText.Sample;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one router had counted at one scrape, per transport ({@code mixnet}, {@code fallback}):
 * requests by outcome ({@code betanet_router_requests_total}) and the cumulative latency histogram
 * ({@code betanet_router_request_seconds_bucket}). Counters are cumulative; {@link Window} turns
 * two snapshots into what happened between them.
 */
public record RouterMetrics(Map<String, Counts> byTransport) {

  public static final String REQUESTS = "betanet_router_requests_total";
  public static final String LATENCY_BUCKETS = "betanet_router_request_seconds_bucket";

  /** Transport label of requests carried through the mixnet. */
  public static final String MIXNET = "mixnet";

  /** Transport label of requests carried through the direct fallback tunnel. */
  public static final String FALLBACK = "fallback";

  /** Outcome label of a request served as asked. */
  public static final String OK = "ok";

  /** Outcome label of a request refused for the client's own fault (unknown name, too large). */
  public static final String REJECTED = "rejected";

  public RouterMetrics {
    byTransport = Map.copyOf(byTransport);
  }

  /**
   * One transport's cumulative counts. {@code buckets}: upper bound (seconds) → count at or under.
   */
  public record Counts(double ok, double errors, TreeMap<Double, Double> buckets) {

    static final Counts EMPTY = new Counts(0, 0, new TreeMap<>());

    /** Requests that count for the error rate: served or failed by us, not refused as invalid. */
    public double judged() {
      return ok + errors;
    }
  }

  public static RouterMetrics from(List<Sample> samples) {
    Map<String, double[]> outcomes = new HashMap<>();
    Map<String, TreeMap<Double, Double>> buckets = new HashMap<>();
    for (Sample sample : samples) {
      String transport = sample.label("transport");
      if (sample.name().equals(REQUESTS) && !transport.isEmpty()) {
        double[] okAndErrors = outcomes.computeIfAbsent(transport, t -> new double[2]);
        String outcome = sample.label("outcome");
        if (outcome.equals(OK)) {
          okAndErrors[0] += sample.value();
        } else if (!outcome.equals(REJECTED)) {
          okAndErrors[1] += sample.value();
        }
      } else if (sample.name().equals(LATENCY_BUCKETS) && !transport.isEmpty()) {
        double le = parseBound(sample.label("le"));
        if (!Double.isNaN(le)) {
          buckets
              .computeIfAbsent(transport, t -> new TreeMap<>())
              .merge(le, sample.value(), Double::sum);
        }
      }
    }
    Map<String, Counts> byTransport = new HashMap<>();
    for (String transport : union(outcomes.keySet(), buckets.keySet())) {
      double[] okAndErrors = outcomes.getOrDefault(transport, new double[2]);
      byTransport.put(
          transport,
          new Counts(
              okAndErrors[0], okAndErrors[1], buckets.getOrDefault(transport, new TreeMap<>())));
    }
    return new RouterMetrics(byTransport);
  }

  public Counts transport(String transport) {
    return byTransport.getOrDefault(transport, Counts.EMPTY);
  }

  private static double parseBound(String le) {
    if (le.equals("+Inf")) {
      return Double.POSITIVE_INFINITY;
    }
    try {
      return Double.parseDouble(le);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
    var all = new java.util.TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
