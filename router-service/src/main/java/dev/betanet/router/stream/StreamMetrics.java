package dev.betanet.router.stream;

import dev.betanet.protocol.metrics.MetricName;
import dev.betanet.protocol.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * The stream metrics of one role ({@code entry} or {@code exit}) of this router, over both
 * transports: streams open, one counted outcome per stream, payload bytes each way,
 * retransmissions, the congestion windows and the bytes buffered (the bound a slow reader must not
 * push past). The gauges are read at scrape time from the open endpoints of every {@link #track
 * tracked} source.
 */
public final class StreamMetrics {

  private static final List<String> TRANSPORTS = List.of("mixnet", "fallback");

  /** Stream outcomes counted from the start (others appear when they first happen). */
  static final List<String> OUTCOMES =
      List.of(
          "closed",
          "aborted",
          "timeout",
          "idle",
          "refused_not_declared",
          "refused_unknown_name",
          "refused_connect_failed",
          "refused_overload");

  /** SOCKS refusals counted from the start. */
  static final List<String> SOCKS_REFUSALS =
      List.of(
          "not_fog",
          "bad_version",
          "bad_handshake",
          "bad_request",
          "no_acceptable_method",
          "command_not_supported",
          "handshake_timeout",
          "too_many_connections");

  private final MeterRegistry registry;
  private final String role;
  private final List<Supplier<Stream<StreamEndpoint>>> sources = new CopyOnWriteArrayList<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Counter retransmissions;

  public StreamMetrics(MeterRegistry registry, String role) {
    this.registry = registry;
    this.role = role;
    gauge(MetricNames.ROUTER_STREAMS_OPEN, "Streams open now", e -> 1, Tags.empty());
    gauge(
        MetricNames.ROUTER_STREAM_WINDOW_SEGMENTS,
        "Sum of the congestion windows of open streams, in segments",
        StreamEndpoint::congestionWindow,
        Tags.empty());
    gauge(
        MetricNames.ROUTER_STREAM_BUFFERED_BYTES,
        "Stream bytes held in send and receive buffers",
        StreamEndpoint::sendBufferedBytes,
        Tags.of("buffer", "send"));
    gauge(
        MetricNames.ROUTER_STREAM_BUFFERED_BYTES,
        "Stream bytes held in send and receive buffers",
        StreamEndpoint::receiveBufferedBytes,
        Tags.of("buffer", "receive"));
    this.retransmissions =
        counter(
            MetricNames.ROUTER_STREAM_RETRANSMISSIONS,
            "Stream segments sent again",
            Tags.of("role", role));
    // Present at zero from the start, so "none yet" is a sample, not a missing series.
    for (String transport : TRANSPORTS) {
      bytes(true, transport, 0);
      bytes(false, transport, 0);
      OUTCOMES.forEach(outcome -> streamsCounter(transport, outcome));
    }
    if (role.equals("entry")) {
      SOCKS_REFUSALS.forEach(reason -> refusedCounter("socks", reason));
      refusedCounter("proxy", "not_fog");
    }
  }

  /** Adds a source of this role's endpoints (one per transport); the gauges sum the open ones. */
  public void track(Supplier<Stream<StreamEndpoint>> endpoints) {
    sources.add(endpoints);
  }

  private long sum(ToLongFunction<StreamEndpoint> f) {
    return sources.stream().flatMap(Supplier::get).filter(e -> !e.finished()).mapToLong(f).sum();
  }

  private void gauge(
      MetricName name, String description, ToLongFunction<StreamEndpoint> f, Tags tags) {
    Gauge.builder(name.meter(), this, m -> m.sum(f))
        .description(description)
        .strongReference(true)
        .tag("role", role)
        .tags(tags)
        .register(registry);
  }

  /** The counter {@code name} with {@code tags}, registered once and then reused. */
  private Counter counter(MetricName name, String description, Tags tags) {
    return counters.computeIfAbsent(
        name.meter() + tags,
        k -> Counter.builder(name.meter()).description(description).tags(tags).register(registry));
  }

  /** A stream ended (or was refused) with {@code outcome}, a bounded word. */
  public void finished(String transport, String outcome) {
    streamsCounter(transport, outcome).increment();
  }

  private Counter streamsCounter(String transport, String outcome) {
    return counter(
        MetricNames.ROUTER_STREAMS,
        "Streams ended, by outcome",
        Tags.of("role", role, "transport", transport, "outcome", outcome));
  }

  /** Payload bytes sent (first copies) or delivered to the local socket. */
  public void bytes(boolean sent, String transport, int count) {
    counter(
            MetricNames.ROUTER_STREAM_BYTES,
            "Stream payload bytes",
            Tags.of("role", role, "direction", sent ? "sent" : "received", "transport", transport))
        .increment(count);
  }

  public void retransmitted() {
    retransmissions.increment();
  }

  /** A SOCKS5 or CONNECT request refused before a stream opened ({@code listener}, reason). */
  public void connectRefused(String listener, String reason) {
    refusedCounter(listener, reason).increment();
  }

  private Counter refusedCounter(String listener, String reason) {
    return counter(
        MetricNames.ROUTER_CONNECT_REFUSED,
        "SOCKS5 and CONNECT requests refused",
        Tags.of("listener", listener, "reason", reason));
  }
}
