package dev.betanet.local.watch;

import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.metrics.Scrape;
import java.util.List;
import java.util.Locale;

/**
 * The stream lines of {@code make watch} (docs/streams.md, "Metrics"): per router role (the entry
 * that took the client's SOCKS5 or CONNECT, the exit that connected the backend) the streams open
 * now and their congestion windows, payload kB/s each way per transport and segments retransmitted
 * per second over the window, and the streams ended since the router started, with how many did not
 * close cleanly. Rates are differences of the routers' counters between two samples.
 */
final class StreamView {

  private static final String OPEN = MetricNames.ROUTER_STREAMS_OPEN.prometheus();
  private static final String WINDOW = MetricNames.ROUTER_STREAM_WINDOW_SEGMENTS.prometheus();
  private static final String RETRANSMITS = MetricNames.ROUTER_STREAM_RETRANSMISSIONS.prometheus();
  private static final String BYTES = MetricNames.ROUTER_STREAM_BYTES.prometheus();
  private static final String ENDED = MetricNames.ROUTER_STREAMS.prometheus();
  private static final List<String> ROLES = List.of("entry", "exit");
  private static final List<String> TRANSPORTS = List.of("mixnet", "fallback");

  private StreamView() {}

  /** The key a stream series is summed under in a {@link MetricsSample}; null for other series. */
  static String key(Scrape.Sample sample) {
    String role = sample.labels().getOrDefault("role", "?");
    String name = sample.name();
    if (OPEN.equals(name)) {
      return "open/" + role;
    }
    if (WINDOW.equals(name)) {
      return "window/" + role;
    }
    if (RETRANSMITS.equals(name)) {
      return "retransmits/" + role;
    }
    if (BYTES.equals(name)) {
      return "bytes/"
          + role
          + "/"
          + sample.labels().getOrDefault("direction", "?")
          + "/"
          + sample.labels().getOrDefault("transport", "?");
    }
    if (ENDED.equals(name)) {
      boolean clean = "closed".equals(sample.labels().get("outcome"));
      return (clean ? "closed/" : "failed/") + role;
    }
    return null;
  }

  /** The stream lines for the samples {@code seconds} apart. */
  static String render(MetricsSample first, MetricsSample last, double seconds) {
    StringBuilder out = new StringBuilder();
    out.append(
        "%-9s %6s %8s %14s %22s %22s  %14s%n"
            .formatted(
                "streams",
                "open",
                "window",
                "retransmits/s",
                "mixnet kB/s out/in",
                "fallback kB/s out/in",
                "ended (failed)"));
    for (String role : ROLES) {
      out.append(
          "  %-7s %6.0f %8.0f %14s %22s %22s  %14s%n"
              .formatted(
                  role,
                  value(last, "open/" + role),
                  value(last, "window/" + role),
                  rate(first, last, "retransmits/" + role, seconds, 1, "%.1f"),
                  bytes(first, last, role, "mixnet", seconds),
                  bytes(first, last, role, "fallback", seconds),
                  "%.0f (%.0f)"
                      .formatted(
                          value(last, "closed/" + role) + value(last, "failed/" + role),
                          value(last, "failed/" + role))));
    }
    return out.toString();
  }

  private static String bytes(
      MetricsSample first, MetricsSample last, String role, String transport, double seconds) {
    String prefix = "bytes/" + role + "/";
    return rate(first, last, prefix + "sent/" + transport, seconds, 1000, "%.1f")
        + " / "
        + rate(first, last, prefix + "received/" + transport, seconds, 1000, "%.1f");
  }

  private static String rate(
      MetricsSample first,
      MetricsSample last,
      String key,
      double seconds,
      double unit,
      String format) {
    if (seconds <= 0 || !last.streams().containsKey(key)) {
      return "-";
    }
    double delta = value(last, key) - value(first, key);
    return String.format(Locale.ROOT, format, Math.max(0, delta) / unit / seconds);
  }

  private static double value(MetricsSample sample, String key) {
    return sample.streams().getOrDefault(key, 0.0);
  }
}
