package dev.betanet.local.watch;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code status.canary} of a MixnetCluster as words for {@code make watch}: the phase and step, and
 * the last analysis as its verdict, each transport's error rate as a percentage, p95 in ms and
 * samples, and the window the counts cover, so nobody has to read the JSON.
 */
final class CanaryText {

  static final String ABSENT = "-";
  private static final DateTimeFormatter HH_MM_SS = DateTimeFormatter.ofPattern("HH:mm:ss");

  private CanaryText() {}

  /** One line: phase, step, weights, and the operator's message. */
  static String progression(JsonNode canary) {
    if (!canary.isObject()) {
      return "(no status.canary: the operator reports no canary progression)";
    }
    StringBuilder s = new StringBuilder(text(canary.path("phase")));
    if (canary.path("totalSteps").asInt(0) > 0) {
      s.append(", step ")
          .append(text(canary.path("currentStep")))
          .append(" of ")
          .append(text(canary.path("totalSteps")));
    }
    s.append(", last good ").append(text(canary.path("lastGoodWeight"))).append(" %");
    String message = canary.path("message").asText("");
    if (!message.isEmpty()) {
      s.append(": ").append(message);
    }
    return s.toString();
  }

  /**
   * The last analysis, e.g. {@code healthy at weight 10 %, 12 s ago — mixnet: error rate 0.4 %, p95
   * 182 ms, 1,240 samples; fallback: ...; window 60 s from 12:00:01 UTC, 2 of 2 routers}.
   */
  static String lastAnalysis(JsonNode analysis, Instant now) {
    if (!analysis.isObject()) {
      return "none yet";
    }
    List<String> parts = new ArrayList<>();
    parts.add("mixnet: " + transport(analysis.path("mixnet")));
    parts.add("fallback: " + transport(analysis.path("fallback")));
    parts.add(window(analysis) + ", " + routers(analysis));
    return verdict(analysis.path("reason").asText(null))
        + " at weight "
        + text(analysis.path("weight"))
        + " %, "
        + ago(analysis.path("time"), now)
        + " — "
        + String.join("; ", parts);
  }

  static String verdict(String reason) {
    if (reason == null) {
      return "no verdict";
    }
    return switch (reason) {
      case "Healthy" -> "healthy";
      case "InsufficientSamples" -> "too few samples to judge";
      case "ErrorRateExceeded" -> "error rate over the limit";
      case "LatencyExceeded" -> "p95 over the limit";
      case "RouterUnreachable" -> "not judged (a router did not answer)";
      case "NoMetrics" -> "not judged (no metrics yet)";
      default -> reason;
    };
  }

  static String transport(JsonNode transport) {
    if (!transport.isObject()) {
      return ABSENT;
    }
    JsonNode rate = transport.path("errorRate");
    JsonNode p95 = transport.path("p95Seconds");
    JsonNode samples = transport.path("samples");
    return "error rate "
        + (rate.isNumber() ? String.format(Locale.ROOT, "%.1f %%", 100 * rate.asDouble()) : ABSENT)
        + ", p95 "
        + (p95.isNumber() ? Math.round(p95.asDouble() * 1000) + " ms" : ABSENT)
        + ", "
        + (samples.isNumber() ? String.format(Locale.ROOT, "%,d", samples.asLong()) : ABSENT)
        + (samples.asLong(0) == 1 ? " sample" : " samples");
  }

  private static String window(JsonNode analysis) {
    Instant start = instant(analysis.path("windowStartedAt"));
    Instant end = instant(analysis.path("time"));
    if (start == null) {
      return "window " + ABSENT;
    }
    String from = HH_MM_SS.format(LocalTime.ofInstant(start, ZoneOffset.UTC)) + " UTC";
    if (end == null) {
      return "window from " + from;
    }
    return "window " + seconds(Duration.between(start, end)) + " from " + from;
  }

  private static String routers(JsonNode analysis) {
    return text(analysis.path("routersAnswered"))
        + " of "
        + text(analysis.path("routersTotal"))
        + " routers answered";
  }

  private static String ago(JsonNode time, Instant now) {
    Instant at = instant(time);
    return at == null ? "at an unknown time" : seconds(Duration.between(at, now)) + " ago";
  }

  private static String seconds(Duration duration) {
    long s = Math.max(0, duration.toSeconds());
    return s < 120 ? s + " s" : s / 60 + " min " + s % 60 + " s";
  }

  private static Instant instant(JsonNode time) {
    if (!time.isTextual()) {
      return null;
    }
    try {
      return Instant.parse(time.asText());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String text(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? ABSENT : node.asText();
  }
}
