package dev.betanet.local.watch;

import java.util.HashMap;
import java.util.Map;

/**
 * One scrape of a router's Prometheus text, reduced to what the view shows: request counts by
 * transport and outcome, and latency histogram buckets by transport. Lines it does not know are
 * skipped; a malformed number is skipped too (the view is best effort, never the judge).
 */
public record MetricsSample(
    Map<String, Map<String, Double>> requests, Map<String, Map<Double, Double>> buckets) {

  static final String REQUESTS = "betanet_router_requests_total";
  static final String BUCKETS = "betanet_router_request_seconds_bucket";

  public static MetricsSample parse(String text) {
    Map<String, Map<String, Double>> requests = new HashMap<>();
    Map<String, Map<Double, Double>> buckets = new HashMap<>();
    for (PrometheusText.Sample sample : PrometheusText.parse(text).samples()) {
      Map<String, String> labels = sample.labels();
      String transport = labels.getOrDefault("transport", "mixnet");
      if (REQUESTS.equals(sample.metric())) {
        requests
            .computeIfAbsent(transport, t -> new HashMap<>())
            .merge(labels.getOrDefault("outcome", "?"), sample.value(), Double::sum);
      } else if (BUCKETS.equals(sample.metric()) && labels.containsKey("le")) {
        double le =
            "+Inf".equals(labels.get("le"))
                ? Double.POSITIVE_INFINITY
                : Double.parseDouble(labels.get("le"));
        buckets
            .computeIfAbsent(transport, t -> new java.util.TreeMap<>())
            .merge(le, sample.value(), Double::sum);
      }
    }
    return new MetricsSample(requests, buckets);
  }

  /** Sum of two samples (several routers). */
  public MetricsSample plus(MetricsSample other) {
    Map<String, Map<String, Double>> r = new HashMap<>();
    Map<String, Map<Double, Double>> b = new HashMap<>();
    for (MetricsSample s : new MetricsSample[] {this, other}) {
      s.requests.forEach(
          (t, m) ->
              m.forEach(
                  (k, v) -> r.computeIfAbsent(t, x -> new HashMap<>()).merge(k, v, Double::sum)));
      s.buckets.forEach(
          (t, m) ->
              m.forEach(
                  (k, v) ->
                      b.computeIfAbsent(t, x -> new java.util.TreeMap<>())
                          .merge(k, v, Double::sum)));
    }
    return new MetricsSample(r, b);
  }

  /** Requests of {@code transport} with {@code outcome} (null: all outcomes). */
  public double count(String transport, String outcome) {
    Map<String, Double> byOutcome = requests.getOrDefault(transport, Map.of());
    return outcome == null
        ? byOutcome.values().stream().mapToDouble(Double::doubleValue).sum()
        : byOutcome.getOrDefault(outcome, 0.0);
  }
}
