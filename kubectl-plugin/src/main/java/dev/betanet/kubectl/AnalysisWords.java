package dev.betanet.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a canary analysis ({@code status.canary.lastAnalysis}) into words, beside the limits it was
 * judged against ({@code spec.canary.analysis}): "error rate 0.4 % (limit 5 %), p95 182 ms (limit
 * 500 ms), 1,240 requests — healthy".
 */
final class AnalysisWords {

  // The CRD's defaults (CanaryAnalysisSpec). A real API server writes them into the spec; the
  // embedded one of `make run` does not, and the operator then judges by these same values.
  static final double DEFAULT_MAX_ERROR_RATE = 0.01;
  static final String DEFAULT_MAX_P95_LATENCY = "2s";
  static final long DEFAULT_MIN_SAMPLES = 100;

  private AnalysisWords() {}

  /** The judged transport (mixnet): its numbers, each limit, and the verdict. */
  static String judged(JsonNode transport, String reason, JsonNode limits) {
    double maxErrorRate = Fields.number(limits, "maxErrorRate").orElse(DEFAULT_MAX_ERROR_RATE);
    String maxP95 =
        Fields.text(limits, "maxP95Latency")
            .map(text -> Words.parseDuration(text).map(Words::latency).orElse(text))
            .orElse(Words.parseDuration(DEFAULT_MAX_P95_LATENCY).map(Words::latency).orElseThrow());
    List<String> parts = new ArrayList<>();
    parts.add(errorRate(transport) + " (limit " + Words.percent(maxErrorRate) + ")");
    parts.add(p95(transport) + " (limit " + maxP95 + ")");
    parts.add(requests(transport));
    return String.join(", ", parts) + " — " + verdict(reason, limits);
  }

  /** A transport that is measured but not judged (fallback): its numbers only. */
  static String measured(JsonNode transport) {
    return String.join(", ", errorRate(transport), p95(transport), requests(transport));
  }

  static String verdict(String reason, JsonNode limits) {
    if (reason == null) {
      return Fields.ABSENT;
    }
    return switch (reason) {
      case "Healthy" -> "healthy";
      case "InsufficientSamples" ->
          "too few requests to judge ("
              + Words.count(Fields.whole(limits, "minSamples").orElse(DEFAULT_MIN_SAMPLES))
              + " needed)";
      case "ErrorRateExceeded" -> "error rate over the limit";
      case "LatencyExceeded" -> "p95 over the limit";
      case "RouterUnreachable" -> "not judged: a router did not answer";
      case "NoMetrics" -> "not judged: no metrics yet";
      default -> reason;
    };
  }

  private static String errorRate(JsonNode transport) {
    return "error rate "
        + (Fields.number(transport, "errorRate").isPresent()
            ? Words.percent(Fields.number(transport, "errorRate").getAsDouble())
            : Fields.ABSENT);
  }

  private static String p95(JsonNode transport) {
    return "p95 "
        + (Fields.number(transport, "p95Seconds").isPresent()
            ? Words.latencySeconds(Fields.number(transport, "p95Seconds").getAsDouble())
            : Fields.ABSENT);
  }

  private static String requests(JsonNode transport) {
    if (Fields.whole(transport, "samples").isEmpty()) {
      return Fields.ABSENT + " requests";
    }
    long samples = Fields.whole(transport, "samples").getAsLong();
    return Words.count(samples) + (samples == 1 ? " request" : " requests");
  }
}
