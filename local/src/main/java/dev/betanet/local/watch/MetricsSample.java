package dev.betanet.local.watch;

import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.metrics.Scrape;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scrape of a router's metrics page, reduced to what the view shows: request counts by
 * transport and outcome, latency histogram buckets by transport, and the stream series ({@link
 * StreamView#key}). Series it does not show are skipped.
 */
public record MetricsSample(
    Map<String, Map<String, Double>> requests,
    Map<String, Map<Double, Double>> buckets,
    Map<String, Double> streams) {

  /** An empty sample (no router read yet). */
  public static final MetricsSample EMPTY = new MetricsSample(Map.of(), Map.of(), Map.of());

  static final String REQUESTS = MetricNames.ROUTER_REQUESTS.prometheus();
  static final String BUCKETS = MetricNames.ROUTER_REQUEST_SECONDS.buckets();

  public static MetricsSample from(Scrape scrape) {
    Map<String, Map<String, Double>> requests = new HashMap<>();
    Map<String, Map<Double, Double>> buckets = new HashMap<>();
    Map<String, Double> streams = new HashMap<>();
    for (Scrape.Sample sample : scrape.samples()) {
      Map<String, String> labels = sample.labels();
      String streamKey = StreamView.key(sample);
      if (streamKey != null) {
        streams.merge(streamKey, sample.value(), Double::sum);
        continue;
      }
      String transport = labels.getOrDefault("transport", "mixnet");
      if (REQUESTS.equals(sample.name())) {
        requests
            .computeIfAbsent(transport, t -> new HashMap<>())
            .merge(labels.getOrDefault("outcome", "?"), sample.value(), Double::sum);
      } else if (BUCKETS.equals(sample.name()) && labels.containsKey("le")) {
        double le =
            "+Inf".equals(labels.get("le"))
                ? Double.POSITIVE_INFINITY
                : Double.parseDouble(labels.get("le"));
        buckets
            .computeIfAbsent(transport, t -> new TreeMap<>())
            .merge(le, sample.value(), Double::sum);
      }
    }
    return new MetricsSample(requests, buckets, streams);
  }

  /** Sum of two samples (several routers). */
  public MetricsSample plus(MetricsSample other) {
    Map<String, Map<String, Double>> r = new HashMap<>();
    Map<String, Map<Double, Double>> b = new HashMap<>();
    Map<String, Double> st = new HashMap<>();
    for (MetricsSample s : new MetricsSample[] {this, other}) {
      s.streams.forEach((k, v) -> st.merge(k, v, Double::sum));
      s.requests.forEach(
          (t, m) ->
              m.forEach(
                  (k, v) -> r.computeIfAbsent(t, x -> new HashMap<>()).merge(k, v, Double::sum)));
      s.buckets.forEach(
          (t, m) ->
              m.forEach(
                  (k, v) -> b.computeIfAbsent(t, x -> new TreeMap<>()).merge(k, v, Double::sum)));
    }
    return new MetricsSample(r, b, st);
  }

  /**
   * Requests of {@code transport} with {@code outcome} (null: all outcomes); 0 when the router has
   * not counted one (its counters appear with the first request).
   */
  public double count(String transport, String outcome) {
    Map<String, Double> byOutcome = requests.getOrDefault(transport, Map.of());
    return outcome == null
        ? byOutcome.values().stream().mapToDouble(Double::doubleValue).sum()
        : byOutcome.getOrDefault(outcome, 0.0);
  }
}
