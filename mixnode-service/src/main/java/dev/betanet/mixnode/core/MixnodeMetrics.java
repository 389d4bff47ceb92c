package dev.betanet.mixnode.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The mixnode's meters, registered once on the registry it is given (Quarkus's Prometheus registry
 * in the service, a simple registry in tests). Counters are looked up once here so the hot path
 * only increments fields. Micrometer's names map to the Prometheus names in the comments.
 */
public final class MixnodeMetrics {

  private final Map<PacketResult, Counter> packets = new EnumMap<>(PacketResult.class);
  private final Counter coverSent;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Timer processing;
  private final AtomicInteger inboundConnections = new AtomicInteger();
  private final AtomicInteger outboundConnections = new AtomicInteger();
  private final MeterRegistry registry;

  public MixnodeMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (PacketResult result : PacketResult.values()) {
      // betanet_mixnode_packets_total{result}
      packets.put(
          result,
          Counter.builder("betanet.mixnode.packets")
              .description("Packets by what became of them")
              .tag("result", result.tag())
              .register(registry));
    }
    // betanet_mixnode_cover_packets_total
    coverSent =
        Counter.builder("betanet.mixnode.cover.packets")
            .description("Cover packets this node generated")
            .register(registry);
    // betanet_mixnode_bytes_total{direction}
    bytesIn =
        Counter.builder("betanet.mixnode.bytes")
            .baseUnit("bytes")
            .tag("direction", "in")
            .register(registry);
    bytesOut =
        Counter.builder("betanet.mixnode.bytes")
            .baseUnit("bytes")
            .tag("direction", "out")
            .register(registry);
    // betanet_mixnode_processing_seconds (histogram): one hop's crypto, queueing excluded
    processing =
        Timer.builder("betanet.mixnode.processing")
            .description("Time to process one hop of one packet")
            .publishPercentileHistogram()
            .minimumExpectedValue(java.time.Duration.ofNanos(10_000))
            .maximumExpectedValue(java.time.Duration.ofMillis(100))
            .register(registry);
    // betanet_mixnode_connections{direction}
    Gauge.builder("betanet.mixnode.connections", inboundConnections, AtomicInteger::get)
        .tag("direction", "in")
        .register(registry);
    Gauge.builder("betanet.mixnode.connections", outboundConnections, AtomicInteger::get)
        .tag("direction", "out")
        .register(registry);
  }

  /** Registers {@code betanet_mixnode_pool_packets}: packets waiting in the delay pool. */
  public void poolSize(Supplier<Number> size) {
    Gauge.builder("betanet.mixnode.pool.packets", size)
        .description("Packets waiting out their mixing delay")
        .register(registry);
  }

  /**
   * Registers {@code betanet_mixnode_crypto_queue_packets}: packets waiting for a crypto thread.
   */
  public void cryptoQueueSize(Supplier<Number> size) {
    Gauge.builder("betanet.mixnode.crypto.queue.packets", size).register(registry);
  }

  /** Registers {@code betanet_mixnode_reload_rejected}: refused key/topology updates so far. */
  public void rejectedReloads(Supplier<Number> count) {
    Gauge.builder("betanet.mixnode.reload.rejected", count)
        .description("Key or topology file updates refused since start")
        .register(registry);
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

  /** Packets processed (one crypto hop each) since start. */
  public long processingCount() {
    return processing.count();
  }

  public AtomicInteger inboundConnections() {
    return inboundConnections;
  }

  public AtomicInteger outboundConnections() {
    return outboundConnections;
  }
}
