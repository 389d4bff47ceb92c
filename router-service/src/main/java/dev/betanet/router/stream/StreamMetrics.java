package dev.betanet.router.stream;

import dev.betanet.protocol.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stream metrics of one role ({@code entry} or {@code exit}) of this router: streams open, one
 * counted outcome per stream, payload bytes each way, retransmissions, the congestion windows and
 * the bytes buffered (the bound a slow reader must not push past).
 */
public final class StreamMetrics {

  /** What a role reports about its open streams, read at scrape time. */
  public interface Totals {
    int open();

    long window();

    long sendBuffered();

    long receiveBuffered();
  }

  private final MeterRegistry registry;
  private final String role;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Counter retransmissions;

  public StreamMetrics(MeterRegistry registry, String role, Totals totals) {
    this.registry = registry;
    this.role = role;
    Gauge.builder(MetricNames.ROUTER_STREAMS_OPEN.meter(), totals, t -> t.open())
        .description("Streams open now")
        .strongReference(true)
        .tag("role", role)
        .register(registry);
    Gauge.builder(MetricNames.ROUTER_STREAM_WINDOW_SEGMENTS.meter(), totals, t -> t.window())
        .description("Sum of the congestion windows of open streams, in segments")
        .strongReference(true)
        .tag("role", role)
        .register(registry);
    gauge(totals, "send", t -> t.sendBuffered());
    gauge(totals, "receive", t -> t.receiveBuffered());
    this.retransmissions =
        Counter.builder(MetricNames.ROUTER_STREAM_RETRANSMISSIONS.meter())
            .description("Stream segments sent again")
            .tag("role", role)
            .register(registry);
    for (String direction : new String[] {"sent", "received"}) {
      for (String transport : new String[] {"mixnet", "fallback"}) {
        bytesCounter(direction, transport);
      }
    }
    // Present at zero from the start, so "none yet" is a sample, not a missing series.
    for (String outcome : OUTCOMES) {
      streamsCounter("mixnet", outcome);
    }
    if (role.equals("entry")) {
      streamsCounter("fallback", "refused_fallback_unsupported");
      for (String reason : SOCKS_REFUSALS) {
        refusedCounter("socks", reason);
      }
      refusedCounter("proxy", "not_fog");
    }
  }

  /** Stream outcomes counted from the start (others appear when they first happen). */
  static final java.util.List<String> OUTCOMES =
      java.util.List.of(
          "closed",
          "aborted",
          "timeout",
          "idle",
          "refused_not_declared",
          "refused_unknown_name",
          "refused_connect_failed",
          "refused_overload");

  /** SOCKS refusals counted from the start. */
  static final java.util.List<String> SOCKS_REFUSALS =
      java.util.List.of(
          "not_fog",
          "bad_version",
          "bad_handshake",
          "bad_request",
          "no_acceptable_method",
          "command_not_supported",
          "handshake_timeout",
          "too_many_connections");

  private void gauge(Totals totals, String buffer, java.util.function.ToDoubleFunction<Totals> f) {
    Gauge.builder(MetricNames.ROUTER_STREAM_BUFFERED_BYTES.meter(), totals, f)
        .description("Stream bytes held in send and receive buffers")
        .strongReference(true)
        .tag("role", role)
        .tag("buffer", buffer)
        .register(registry);
  }

  /** A stream ended (or was refused) with {@code outcome}, a bounded word. */
  public void finished(String transport, String outcome) {
    streamsCounter(transport, outcome).increment();
  }

  private Counter streamsCounter(String transport, String outcome) {
    return counters.computeIfAbsent(
        "streams/" + transport + "/" + outcome,
        k ->
            Counter.builder(MetricNames.ROUTER_STREAMS.meter())
                .description("Streams ended, by outcome")
                .tag("role", role)
                .tag("transport", transport)
                .tag("outcome", outcome)
                .register(registry));
  }

  public void bytes(boolean sent, String transport, int count) {
    bytesCounter(sent ? "sent" : "received", transport).increment(count);
  }

  private Counter bytesCounter(String direction, String transport) {
    return counters.computeIfAbsent(
        "bytes/" + direction + "/" + transport,
        k ->
            Counter.builder(MetricNames.ROUTER_STREAM_BYTES.meter())
                .description("Stream payload bytes")
                .tag("role", role)
                .tag("direction", direction)
                .tag("transport", transport)
                .register(registry));
  }

  public void retransmitted() {
    retransmissions.increment();
  }

  /** A SOCKS5 or CONNECT request refused before a stream opened ({@code listener}, reason). */
  public void connectRefused(String listener, String reason) {
    refusedCounter(listener, reason).increment();
  }

  private Counter refusedCounter(String listener, String reason) {
    return counters.computeIfAbsent(
        "refused/" + listener + "/" + reason,
        k ->
            Counter.builder(MetricNames.ROUTER_CONNECT_REFUSED.meter())
                .description("SOCKS5 and CONNECT requests refused")
                .tag("listener", listener)
                .tag("reason", reason)
                .register(registry));
  }
}
