package dev.betanet.router.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The router's metrics under the names docs/architecture.md fixes. The request timer publishes a
 * histogram with buckets ({@code _bucket{le=...}}) because the operator computes a p95 per canary
 * step from them without Prometheus.
 */
public final class RouterMetrics {

  public static final String TRANSPORT_MIXNET = "mixnet";

  private final MeterRegistry registry;
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Timer mixnetLatency;
  private final Counter retransmissions;
  private final Counter coverSent;
  private final Counter coverReceived;
  private final Map<String, Counter> refused = new ConcurrentHashMap<>();

  public RouterMetrics(
      MeterRegistry registry, Supplier<Number> canaryWeight, Supplier<Number> inFlight) {
    this.registry = registry;
    this.mixnetLatency =
        Timer.builder("betanet.router.request")
            .description("Time from a client's request to the response, per transport")
            .tag("transport", TRANSPORT_MIXNET)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(60))
            .register(registry);
    Gauge.builder("betanet.router.canary.weight", canaryWeight)
        .description("Percent of new flows on the mixnet, from the topology")
        .register(registry);
    Gauge.builder("betanet.router.inflight.requests", inFlight)
        .description("Requests this entry router is waiting on")
        .register(registry);
    this.retransmissions =
        Counter.builder("betanet.router.retransmissions")
            .description("Request attempts after the first")
            .register(registry);
    this.coverSent =
        Counter.builder("betanet.router.cover.packets").tag("direction", "sent").register(registry);
    this.coverReceived =
        Counter.builder("betanet.router.cover.packets")
            .tag("direction", "received")
            .register(registry);
  }

  /** One finished client request on the mixnet. */
  public void request(String outcome, Duration elapsed) {
    requests
        .computeIfAbsent(
            outcome,
            o ->
                Counter.builder("betanet.router.requests")
                    .description("Client requests by transport and outcome")
                    .tag("transport", TRANSPORT_MIXNET)
                    .tag("outcome", o)
                    .register(registry))
        .increment();
    // A refusal for the client's own fault says nothing about the transport's latency.
    if (!"rejected".equals(outcome)) {
      mixnetLatency.record(elapsed);
    }
  }

  public void retransmission() {
    retransmissions.increment();
  }

  public void coverSent() {
    coverSent.increment();
  }

  public void coverReceived() {
    coverReceived.increment();
  }

  /** A packet or message refused at this router, by a short reason word. */
  public void refused(String reason) {
    refused
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("betanet.router.packets.refused")
                    .tag("reason", r)
                    .register(registry))
        .increment();
  }
}
