package dev.betanet.operator.analysis;

import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.metrics.Scrape;
import dev.betanet.protocol.metrics.Scrape.Sample;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one router had counted at one scrape, per transport ({@code mixnet}, {@code fallback}):
 * requests by outcome ({@link MetricNames#ROUTER_REQUESTS}) and the cumulative latency histogram
 * ({@link MetricNames#ROUTER_REQUEST_SECONDS} buckets). Counters are cumulative; {@link Window}
 * turns two of these into what happened between them.
 */
public record RequestCounts(Map<String, TransportCounts> byTransport) {

  /** The series of requests by transport and outcome. */
  public static final String REQUESTS = MetricNames.ROUTER_REQUESTS.prometheus();

  /** The latency histogram's bucket series, by transport and {@code le}. */
  public static final String LATENCY_BUCKETS = MetricNames.ROUTER_REQUEST_SECONDS.buckets();

  /** Transport label of requests carried through the mixnet. */
  public static final String MIXNET = "mixnet";

  /** Transport label of requests carried through the direct fallback tunnel. */
  public static final String FALLBACK = "fallback";

  /** Outcome label of a request served as asked. */
  public static final String OK = "ok";

  /** Outcome label of a request refused for the client's own fault (unknown name, too large). */
  public static final String REJECTED = "rejected";

  public RequestCounts {
    byTransport = Map.copyOf(byTransport);
  }

  /**
   * One transport's cumulative counts. {@code buckets}: upper bound (seconds) → count at or under.
   */
  public record TransportCounts(double ok, double errors, TreeMap<Double, Double> buckets) {

    static final TransportCounts EMPTY = new TransportCounts(0, 0, new TreeMap<>());

    /** Requests that count for the error rate: served or failed by us, not refused as invalid. */
    public double judged() {
      return ok + errors;
    }
  }

  public static RequestCounts from(Scrape scrape) {
    Map<String, double[]> outcomes = new HashMap<>();
    Map<String, TreeMap<Double, Double>> buckets = new HashMap<>();
    for (Sample sample : scrape.samples()) {
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
    Map<String, TransportCounts> byTransport = new HashMap<>();
    for (String transport : union(outcomes.keySet(), buckets.keySet())) {
      double[] okAndErrors = outcomes.getOrDefault(transport, new double[2]);
      byTransport.put(
          transport,
          new TransportCounts(
              okAndErrors[0], okAndErrors[1], buckets.getOrDefault(transport, new TreeMap<>())));
    }
    return new RequestCounts(byTransport);
  }

  /** The counts of {@code transport}; all zero when the router has served none on it yet. */
  public TransportCounts transport(String transport) {
    return byTransport.getOrDefault(transport, TransportCounts.EMPTY);
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

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
