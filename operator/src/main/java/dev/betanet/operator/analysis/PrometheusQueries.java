package dev.betanet.operator.analysis;

import dev.betanet.operator.crd.PrometheusQueriesSpec;
import dev.betanet.protocol.metrics.MetricNames;
import java.time.Duration;

/**
 * The PromQL the Prometheus provider asks, one query per measure, each with the placeholders {@code
 * {{namespace}}}, {@code {{cluster}}}, {@code {{window}}} (the step window so far, in milliseconds:
 * {@code 61000ms}) and {@code {{transport}}} ({@code mixnet} for the judged figures, {@code
 * fallback} for the comparison beside them). The defaults select series by the labels the
 * PodMonitors in k8s/monitoring and the local mode's Prometheus give every router ({@code job},
 * {@code namespace}, {@code cluster}, {@code pod}); a spec can replace any one of them.
 * docs/operations.md lists them.
 */
public record PrometheusQueries(String samples, String errorRate, String p95, String routersUp) {

  /** The job label of router targets. */
  public static final String ROUTER_JOB = "betanet-router";

  private static final String REQUESTS = MetricNames.ROUTER_REQUESTS.prometheus();
  private static final String BUCKETS = MetricNames.ROUTER_REQUEST_SECONDS.buckets();
  private static final String TRANSPORT = "{{transport}}";

  private static final String CLUSTER =
      "namespace=\"{{namespace}}\",cluster=\"{{cluster}}\",transport=\"" + TRANSPORT + "\"";

  /** Judged mixnet requests: everything but requests refused as invalid (outcome rejected). */
  private static final String JUDGED =
      "sum(increase(" + REQUESTS + "{" + CLUSTER + ",outcome!=\"rejected\"}[{{window}}]))";

  /**
   * A router creates its error series at its first error, so "no error series" is zero errors; the
   * denominator has no such fallback, so a window without any request series stays no data.
   */
  private static final String FAILED =
      "(sum(increase("
          + REQUESTS
          + "{"
          + CLUSTER
          + ",outcome!~\"ok|rejected\"}[{{window}}])) or vector(0))";

  public static final PrometheusQueries DEFAULTS =
      new PrometheusQueries(
          JUDGED,
          FAILED + " / " + JUDGED,
          "histogram_quantile(0.95, sum by (le) (increase("
              + BUCKETS
              + "{"
              + CLUSTER
              + "}[{{window}}])))",
          "up{job=\"" + ROUTER_JOB + "\",namespace=\"{{namespace}}\",cluster=\"{{cluster}}\"}");

  /** The defaults with the spec's overrides in place; null keeps all defaults. */
  public static PrometheusQueries of(PrometheusQueriesSpec overrides) {
    if (overrides == null) {
      return DEFAULTS;
    }
    return new PrometheusQueries(
        or(overrides.samples, DEFAULTS.samples),
        or(overrides.errorRate, DEFAULTS.errorRate),
        or(overrides.p95, DEFAULTS.p95),
        or(overrides.routersUp, DEFAULTS.routersUp));
  }

  /**
   * Whether the request queries can be asked about each transport: each of samples, errorRate and
   * p95 has the {@code {{transport}}} placeholder (an override that names the transport itself is
   * asked about the mixnet only, and the fallback comparison is left out).
   */
  public boolean perTransport() {
    return samples.contains(TRANSPORT) && errorRate.contains(TRANSPORT) && p95.contains(TRANSPORT);
  }

  /** {@code query} for one cluster, transport and window: placeholders filled in. */
  public static String render(
      String query, String namespace, String cluster, String transport, Duration window) {
    return query
        .replace("{{namespace}}", namespace)
        .replace("{{cluster}}", cluster)
        .replace(TRANSPORT, transport)
        .replace("{{window}}", Math.max(1, window.toMillis()) + "ms");
  }

  private static String or(String override, String fallback) {
    return override == null || override.isBlank() ? fallback : override;
  }
}
