package dev.betanet.mixnode.core;

import dev.betanet.protocol.link.LinkRefusal;
import dev.betanet.protocol.metrics.MetricName;
import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.node.NodeFiles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The mixnode's meters, registered once on the registry it is given (Quarkus's Prometheus registry
 * in the service, a simple registry in tests). Counters are looked up once here so the hot path
 * only increments fields. Names come from {@link MetricNames}; the comments give the Prometheus
 * spelling.
 */
public final class MixnodeMetrics {

  private final Map<PacketResult, Counter> packets = new EnumMap<>(PacketResult.class);
  private final Map<LinkRefusal, Counter> linksRefused = new EnumMap<>(LinkRefusal.class);
  private final Counter coverSent;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Timer processing;
  private final Timer backlogWait;
  private final AtomicInteger inboundConnections = new AtomicInteger();
  private final AtomicInteger outboundConnections = new AtomicInteger();
  private final MeterRegistry registry;
  private final Counter linkFailures;

  public MixnodeMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.linkFailures =
        Counter.builder(MetricNames.MIXNODE_LINK_FAILURES.meter())
            .description("Outbound packet links that failed to open")
            .register(registry);
    for (PacketResult result : PacketResult.values()) {
      // betanet_mixnode_packets_total{result}
      packets.put(
          result,
          Counter.builder(MetricNames.MIXNODE_PACKETS.meter())
              .description("Packets by what became of them")
              .tag("result", result.tag())
              .register(registry));
    }
    for (LinkRefusal reason : LinkRefusal.values()) {
      // betanet_mixnode_links_refused_total{reason}
      linksRefused.put(
          reason,
          Counter.builder(MetricNames.MIXNODE_LINKS_REFUSED.meter())
              .description("Packet links refused or closed, by reason")
              .tag("reason", reason.label())
              .register(registry));
    }
    // betanet_mixnode_cover_packets_total
    coverSent =
        Counter.builder(MetricNames.MIXNODE_COVER_PACKETS.meter())
            .description("Cover packets this node generated")
            .register(registry);
    // betanet_mixnode_bytes_total{direction}
    bytesIn =
        Counter.builder(MetricNames.MIXNODE_BYTES.meter())
            .baseUnit("bytes")
            .tag("direction", "in")
            .register(registry);
    bytesOut =
        Counter.builder(MetricNames.MIXNODE_BYTES.meter())
            .baseUnit("bytes")
            .tag("direction", "out")
            .register(registry);
    // betanet_mixnode_processing_seconds (histogram): one hop's crypto, queueing excluded
    processing =
        Timer.builder(MetricNames.MIXNODE_PROCESSING_SECONDS.meter())
            .description("Time to process one hop of one packet")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(10_000))
            .maximumExpectedValue(Duration.ofMillis(100))
            .register(registry);
    // betanet_mixnode_backlog_wait_seconds (histogram): read to start of processing, the node's
    // queueing; it rises before the backlog's bound sheds anything
    backlogWait =
        Timer.builder(MetricNames.MIXNODE_BACKLOG_WAIT_SECONDS.meter())
            .description("Time a packet waited between its socket read and its processing")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(10_000))
            .maximumExpectedValue(Duration.ofSeconds(1))
            .register(registry);
    // betanet_mixnode_connections{direction}
    Gauge.builder(MetricNames.MIXNODE_CONNECTIONS.meter(), inboundConnections, AtomicInteger::get)
        .tag("direction", "in")
        .register(registry);
    Gauge.builder(MetricNames.MIXNODE_CONNECTIONS.meter(), outboundConnections, AtomicInteger::get)
        .tag("direction", "out")
        .register(registry);
  }

  /** Registers {@code betanet_mixnode_pool_packets}: packets waiting in the delay pool. */
  public void poolSize(Supplier<Number> size) {
    Gauge.builder(MetricNames.MIXNODE_POOL_PACKETS.meter(), size)
        .description("Packets waiting out their mixing delay")
        .register(registry);
  }

  /**
   * Registers {@code betanet_mixnode_departure_entropy_bits} and {@code
   * betanet_mixnode_pool_mean_packets}: the delay pool's anonymity estimate over its window.
   */
  public void departureEntropy(Supplier<Number> bits, Supplier<Number> meanPool) {
    Gauge.builder(MetricNames.MIXNODE_DEPARTURE_ENTROPY_BITS.meter(), bits)
        .description("Mean Shannon entropy of a departure from the delay pool, bits")
        .register(registry);
    Gauge.builder(MetricNames.MIXNODE_POOL_MEAN_PACKETS.meter(), meanPool)
        .description("Packets in the delay pool, averaged over the entropy window")
        .register(registry);
  }

  /**
   * Registers {@code betanet_mixnode_crypto_queue_packets}: packets waiting for a crypto thread.
   */
  public void cryptoQueueSize(Supplier<Number> size) {
    Gauge.builder(MetricNames.MIXNODE_CRYPTO_QUEUE.meter(), size).register(registry);
  }

  /**
   * Registers {@code betanet_mixnode_next_hop_queue_bytes}: packet bytes waiting for next hops, the
   * quantity {@code next-hop-memory} bounds.
   */
  public void nextHopQueueBytes(Supplier<Number> bytes) {
    Gauge.builder(MetricNames.MIXNODE_NEXT_HOP_QUEUE_BYTES.meter(), bytes)
        .description("Packet bytes waiting in the next-hop queues")
        .register(registry);
  }

  /** Registers {@code betanet_mixnode_reload_rejected}: refused key/topology updates so far. */
  public void rejectedReloads(Supplier<Number> count) {
    Gauge.builder(MetricNames.MIXNODE_RELOAD_REJECTED.meter(), count)
        .description("Key or topology file updates refused since start")
        .register(registry);
  }

  /** Registers the same count by reason, each reason present from the start. */
  public void rejectedReloadsByReason(ToLongFunction<String> count) {
    for (String reason : NodeFiles.REJECTION_REASONS) {
      FunctionCounter.builder(
              MetricNames.MIXNODE_RELOAD_REFUSED.meter(), reason, r -> count.applyAsLong(r))
          .description("Key or topology file updates refused since start, by reason")
          .tag("reason", reason)
          .register(registry);
    }
  }

  /** The current value of a registered gauge; a gauge that is not registered is an error. */
  public double gaugeValue(MetricName name) {
    Gauge gauge = registry.find(name.meter()).gauge();
    if (gauge == null) {
      throw new IllegalStateException("no gauge " + name.meter() + " is registered");
    }
    return gauge.value();
  }

  public void count(PacketResult result) {
    packets.get(result).increment();
  }

  public void count(PacketResult result, int times) {
    packets.get(result).increment(times);
  }

  public double countOf(PacketResult result) {
    return packets.get(result).count();
  }

  public void linkRefused(LinkRefusal reason) {
    linksRefused.get(reason).increment();
  }

  public double linksRefusedCount(LinkRefusal reason) {
    return linksRefused.get(reason).count();
  }

  public void coverSent() {
    coverSent.increment();
  }

  public double coverSentCount() {
    return coverSent.count();
  }

  public void bytesIn(long bytes) {
    bytesIn.increment(bytes);
  }

  public void bytesOut(long bytes) {
    bytesOut.increment(bytes);
  }

  public void processed(long nanos) {
    processing.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void waitedInBacklog(long nanos) {
    backlogWait.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Packets whose backlog wait was recorded since start, and their waits in all, in ms. */
  public double[] backlogWaits() {
    return new double[] {backlogWait.count(), backlogWait.totalTime(TimeUnit.MILLISECONDS)};
  }

  /** Packets processed (one crypto hop each) since start. */
  public long processingCount() {
    return processing.count();
  }

  public AtomicInteger inboundConnections() {
    return inboundConnections;
  }

  /** An outbound packet link that failed to open. */
  public void linkFailure() {
    linkFailures.increment();
  }

  public AtomicInteger outboundConnections() {
    return outboundConnections;
  }
}
