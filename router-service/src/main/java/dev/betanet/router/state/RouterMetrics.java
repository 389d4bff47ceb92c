package dev.betanet.router.state;

import dev.betanet.protocol.link.LinkRefusal;
import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.node.NodeFiles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The router's metrics under the names docs/architecture.md fixes, every request metric labelled
 * with its {@link Transport}. The request timer publishes a histogram with buckets ({@code
 * _bucket{le=...}}) because the operator computes a p95 per transport and canary step from them
 * without Prometheus.
 */
public final class RouterMetrics {

  /** An exit asked for more SURBs than its response still needs. */
  public static final String SURBS_NOT_MISSING = "not_missing";

  /** An exit asked for SURBs more often than a request allows. */
  public static final String SURBS_REPEATED = "repeated";

  /** A reply through a SURB this router does not hold (used, forgotten, or never made here). */
  public static final String UNKNOWN_SURB = "unknown_surb";

  /** A reply for a request that had already ended (answered, failed or timed out). */
  public static final String REQUEST_FINISHED = "request_finished";

  private static final Set<String> SURB_REFUSAL_REASONS = Set.of(SURBS_NOT_MISSING, SURBS_REPEATED);

  /** A send-queue slot taken by a queued packet. */
  public static final String SLOT_REAL = "real";

  /** A send-queue slot that found the queue empty and sent cover. */
  public static final String SLOT_COVER = "cover";

  /** A send-queue slot that found the queue empty and had no cover packet to send. */
  public static final String SLOT_EMPTY = "empty";

  /** A packet sent at once, without a slot: send rate 0, no cover. */
  public static final String SLOT_UNPACED = "unpaced";

  /** The send queue was full. */
  public static final String SEND_QUEUE_FULL = "full";

  private static final Set<String> SLOT_KINDS =
      Set.of(SLOT_REAL, SLOT_COVER, SLOT_EMPTY, SLOT_UNPACED);

  private final MeterRegistry registry;
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<Transport, Timer> latency = new EnumMap<>(Transport.class);
  private final Map<Transport, Counter> flows = new EnumMap<>(Transport.class);
  private final Map<String, Counter> downgrades = new ConcurrentHashMap<>();
  private final Map<String, Counter> downgradesWithheld = new ConcurrentHashMap<>();
  private final Map<String, Counter> surbsRefused = new ConcurrentHashMap<>();
  private final Map<String, Counter> tunnelEvents = new ConcurrentHashMap<>();
  private final Counter retransmissions;
  private final Counter surbsMade;
  private final Counter coverSent;
  private final Counter coverReceived;
  private final Map<String, Counter> refused = new ConcurrentHashMap<>();
  private final Map<String, Counter> proxyRefused = new ConcurrentHashMap<>();
  private final Map<LinkRefusal, Counter> linksRefused = new EnumMap<>(LinkRefusal.class);
  private final Map<String, Counter> sendSlots = new ConcurrentHashMap<>();
  private final Map<String, Counter> sendQueueRefused = new ConcurrentHashMap<>();
  private final Timer sendQueueWait;
  private final Counter linkFailures;

  /** An exit restart lost part of a request, which was sent again. */
  public static final String EXIT_RESTART_RESENT = "resent";

  /** An exit restart lost a request it had whole; it failed rather than risk a second call. */
  public static final String EXIT_RESTART_FAILED = "failed";

  private final Map<String, Counter> exitRestarts = new ConcurrentHashMap<>();

  public RouterMetrics(
      MeterRegistry registry, Supplier<Number> canaryWeight, Supplier<Number> inFlight) {
    this.registry = registry;
    for (LinkRefusal reason : LinkRefusal.values()) {
      // betanet_router_links_refused_total{reason}
      linksRefused.put(
          reason,
          Counter.builder(MetricNames.ROUTER_LINKS_REFUSED.meter())
              .description("Packet links refused or closed, by reason")
              .tag("reason", reason.label())
              .register(registry));
    }
    for (Transport transport : Transport.values()) {
      // betanet_router_request_seconds_bucket{transport,le}
      latency.put(
          transport,
          Timer.builder(MetricNames.ROUTER_REQUEST_SECONDS.meter())
              .description("Time from a client's request to the response, per transport")
              .tag("transport", transport.label())
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofMillis(1))
              .maximumExpectedValue(Duration.ofSeconds(60))
              .register(registry));
      // betanet_router_flows_total{transport}
      flows.put(
          transport,
          Counter.builder(MetricNames.ROUTER_FLOWS.meter())
              .description("Client connections to the proxy port, by the transport drawn for them")
              .tag("transport", transport.label())
              .register(registry));
    }
    // Present at zero from the start, so "no downgrades" is a sample, not a missing series.
    downgrade(Outcomes.DOWNGRADE_REASONS, 0);
    for (String reason : Outcomes.WITHHELD_DOWNGRADE_REASONS) {
      withheld(reason);
    }
    for (String reason : SURB_REFUSAL_REASONS) {
      surbsRefused(reason, 0);
    }
    // Bodies over their bounds (buffered or streamed): "none refused" is a sample too.
    for (String reason : List.of("body_too_large", "response_too_large")) {
      proxyRefusedCounter(reason);
    }
    // Replays, in this process's window and from before its start: "none" is a sample too.
    refusedCounter("replay");
    refusedCounter("before_start");
    refusedCounter(REQUEST_FINISHED);
    refusedCounter(UNKNOWN_SURB);
    Gauge.builder(MetricNames.ROUTER_CANARY_WEIGHT.meter(), canaryWeight)
        .description("Percent of new flows on the mixnet, from the topology")
        .register(registry);
    Gauge.builder(MetricNames.ROUTER_INFLIGHT.meter(), inFlight)
        .description("Requests this entry router is waiting on")
        .register(registry);
    this.retransmissions =
        Counter.builder(MetricNames.ROUTER_RETRANSMISSIONS.meter())
            .description("Request attempts after the first")
            .register(registry);
    this.surbsMade =
        Counter.builder(MetricNames.ROUTER_SURBS.meter())
            .description("Reply blocks this entry made (two X25519 per hop each)")
            .register(registry);
    this.coverSent =
        Counter.builder(MetricNames.ROUTER_COVER_PACKETS.meter())
            .tag("direction", "sent")
            .register(registry);
    this.coverReceived =
        Counter.builder(MetricNames.ROUTER_COVER_PACKETS.meter())
            .tag("direction", "received")
            .register(registry);
    // Present at zero from the start: "no cover sent" and "nothing refused" are samples.
    for (String kind : SLOT_KINDS) {
      slotCounter(kind);
    }
    sendQueueRefusedCounter(SEND_QUEUE_FULL);
    // Present at zero from the start: "no exit restarts seen" is a sample.
    exitRestartCounter(EXIT_RESTART_RESENT);
    exitRestartCounter(EXIT_RESTART_FAILED);
    this.linkFailures =
        Counter.builder(MetricNames.ROUTER_LINK_FAILURES.meter())
            .description("Outbound packet links that failed to open")
            .register(registry);
    this.sendQueueWait =
        Timer.builder(MetricNames.ROUTER_SEND_QUEUE_WAIT.meter())
            .description("Time a real packet waited in the send queue for its slot")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(60))
            .register(registry);
  }

  /** Registers the send queue's depth. */
  public void sendQueue(Supplier<Number> depth) {
    Gauge.builder(MetricNames.ROUTER_SEND_QUEUE_PACKETS.meter(), depth)
        .description("Packets waiting in the send queue for a departure slot")
        .register(registry);
  }

  /** One departure of the send queue, by {@code kind} ({@link #SLOT_REAL}, …). */
  public void sendSlot(String kind) {
    slotCounter(kind).increment();
  }

  private Counter slotCounter(String kind) {
    return sendSlots.computeIfAbsent(
        kind,
        k ->
            Counter.builder(MetricNames.ROUTER_SEND_SLOTS.meter())
                .description("Send-queue departures: real, cover, empty slot, or unpaced (rate 0)")
                .tag("kind", k)
                .register(registry));
  }

  /** A packet the send queue refused, by {@code reason}. */
  public void sendQueueRefused(String reason) {
    sendQueueRefused(reason, 1);
  }

  /** {@code packets} the send queue could not take, by {@code reason}. */
  public void sendQueueRefused(String reason, int packets) {
    sendQueueRefusedCounter(reason).increment(packets);
  }

  private Counter sendQueueRefusedCounter(String reason) {
    return sendQueueRefused.computeIfAbsent(
        reason,
        r ->
            Counter.builder(MetricNames.ROUTER_SEND_QUEUE_REFUSED.meter())
                .description("Packets the send queue refused")
                .tag("reason", r)
                .register(registry));
  }

  /** How long a real packet waited for its slot. */
  public void sendQueueWait(long nanos) {
    sendQueueWait.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** One finished client request (or mixnet attempt, for a downgrade) on {@code transport}. */
  public void request(Transport transport, String outcome, Duration elapsed) {
    requests
        .computeIfAbsent(
            transport.label() + "/" + outcome,
            k ->
                Counter.builder(MetricNames.ROUTER_REQUESTS.meter())
                    .description("Client requests by transport and outcome")
                    .tag("transport", transport.label())
                    .tag("outcome", outcome)
                    .register(registry))
        .increment();
    // A refusal for the client's own fault says nothing about the transport's latency.
    if (!"rejected".equals(outcome)) {
      latency.get(transport).record(elapsed);
    }
  }

  /** A new client connection, and the transport the canary split drew for it. */
  public void flow(Transport transport) {
    flows.get(transport).increment();
  }

  /**
   * A mixnet flow moved to the tunnel by the fallback policy; {@code reason} is an outcome word.
   */
  public void downgrade(String reason) {
    downgrade(Set.of(reason), 1);
  }

  private void downgrade(Set<String> reasons, int amount) {
    for (String reason : reasons) {
      downgrades
          .computeIfAbsent(
              reason,
              r ->
                  Counter.builder(MetricNames.ROUTER_DOWNGRADES.meter())
                      .description("Flows moved from the mixnet to the fallback tunnel")
                      .tag("reason", r)
                      .register(registry))
          .increment(amount);
    }
  }

  /**
   * A mixnet request the fallback policy did not move to the tunnel because its packets had left;
   * {@code reason} is its mixnet outcome.
   */
  public void downgradeWithheld(String reason) {
    withheld(reason).increment();
  }

  private Counter withheld(String reason) {
    return downgradesWithheld.computeIfAbsent(
        reason,
        r ->
            Counter.builder(MetricNames.ROUTER_DOWNGRADES_WITHHELD.meter())
                .description("Mixnet requests not resent over the tunnel: their packets had left")
                .tag("reason", r)
                .register(registry));
  }

  /** {@code count} SURBs an exit asked for were not sent, for {@code reason}. */
  public void surbsRefused(String reason, int count) {
    surbsRefused
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder(MetricNames.ROUTER_SURBS_REFUSED.meter())
                    .description("SURBs an exit asked for that the entry did not send")
                    .tag("reason", r)
                    .register(registry))
        .increment(count);
  }

  /**
   * A tunnel connection event: {@code role} initiator or responder, {@code event} {@code open}
   * (handshake done) or why it ended or was refused (a bounded set of words).
   */
  public void tunnel(String role, String event) {
    tunnelEvents
        .computeIfAbsent(
            role + "/" + event,
            k ->
                Counter.builder(MetricNames.ROUTER_TUNNEL_CONNECTIONS.meter())
                    .description("Fallback tunnel connections: opened, refused or closed, by why")
                    .tag("role", role)
                    .tag("event", event)
                    .register(registry))
        .increment();
  }

  /**
   * A request whose exit restarted (a newer exit incarnation, or UNKNOWN_REQUEST): {@link
   * #EXIT_RESTART_RESENT} or {@link #EXIT_RESTART_FAILED}.
   */
  public void exitRestart(String action) {
    exitRestartCounter(action).increment();
  }

  private Counter exitRestartCounter(String action) {
    return exitRestarts.computeIfAbsent(
        action,
        a ->
            Counter.builder(MetricNames.ROUTER_EXIT_RESTARTS.meter())
                .description("Requests whose exit restarted in flight, by what the entry did")
                .tag("action", a)
                .register(registry));
  }

  public void retransmission() {
    retransmissions.increment();
  }

  public void surbMade() {
    surbsMade.increment();
  }

  public void coverSent() {
    coverSent.increment();
  }

  public void coverReceived() {
    coverReceived.increment();
  }

  /**
   * A proxy connection or request refused before any transport saw it, by a short reason word
   * ({@code too_many_connections}, {@code header_timeout}, {@code body_timeout}, {@code in_flight},
   * {@code pending_bytes}, {@code body_too_large}, {@code response_too_large}: a streamed response
   * cut at the bound).
   */
  public void proxyRefused(String reason) {
    proxyRefusedCounter(reason).increment();
  }

  private Counter proxyRefusedCounter(String reason) {
    return proxyRefused.computeIfAbsent(
        reason,
        r ->
            Counter.builder(MetricNames.ROUTER_PROXY_REFUSED.meter())
                .description("Proxy connections and requests refused, by reason")
                .tag("reason", r)
                .register(registry));
  }

  /** Registers the count of key/topology updates refused or not applied so far. */
  public void rejectedReloads(Supplier<Number> count) {
    Gauge.builder(MetricNames.ROUTER_RELOAD_REJECTED.meter(), count)
        .description("Key/topology updates refused or not applied; the last good state stays")
        .register(registry);
  }

  /** A node-to-node packet link refused or closed, by why (every reason registered at start). */
  /** Registers the number of outbound packet links open now. */
  public void linksOpen(Supplier<Number> open) {
    Gauge.builder(MetricNames.ROUTER_LINKS_OPEN.meter(), open)
        .description("Outbound packet links open now")
        .register(registry);
  }

  /** An outbound packet link that failed to open. */
  public void linkFailure() {
    linkFailures.increment();
  }

  public void linkRefused(LinkRefusal reason) {
    linksRefused.get(reason).increment();
  }

  public double linksRefusedCount(LinkRefusal reason) {
    return linksRefused.get(reason).count();
  }

  /** Registers the same count by reason, each reason present from the start. */
  public void rejectedReloadsByReason(ToLongFunction<String> count) {
    for (String reason : NodeFiles.REJECTION_REASONS) {
      FunctionCounter.builder(
              MetricNames.ROUTER_RELOAD_REFUSED.meter(), reason, r -> count.applyAsLong(r))
          .description("Key/topology updates refused or not applied, by reason")
          .tag("reason", reason)
          .register(registry);
    }
  }

  /** A packet or message refused at this router, by a short reason word. */
  public void refused(String reason) {
    refusedCounter(reason).increment();
  }

  private Counter refusedCounter(String reason) {
    return refused.computeIfAbsent(
        reason,
        r ->
            Counter.builder(MetricNames.ROUTER_PACKETS_REFUSED.meter())
                .tag("reason", r)
                .register(registry));
  }
}
