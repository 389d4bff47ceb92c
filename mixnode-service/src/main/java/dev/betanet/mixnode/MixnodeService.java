package dev.betanet.mixnode;

import dev.betanet.mixnode.core.Mixnode;
import dev.betanet.mixnode.core.MixnodeSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * The Quarkus side of the mixnode: turns configuration into {@link MixnodeSettings}, starts the
 * node on Quarkus's Vert.x at startup and stops it gracefully at shutdown. Everything that moves
 * packets lives in {@code dev.betanet.mixnode.core}.
 */
@ApplicationScoped
public class MixnodeService {

  private static final Logger LOG = Logger.getLogger(MixnodeService.class);

  @Inject Vertx vertx;
  @Inject MeterRegistry registry;
  @Inject MixnodeConfig config;
  @Inject PacketProcessing processing;

  /**
   * The smallest memory bound the configuration takes: 512 packets of the default 2 KiB. Below it a
   * node would drop most packets, counted as if it were saturated or its next hops down, which
   * sends an operator looking for the wrong cause; a start-up error names the setting instead.
   */
  static final long MIN_MEMORY_BOUND_BYTES = 1L << 20;

  private volatile Mixnode node;

  void onStart(@Observes StartupEvent event) {
    if (config.nodeId().isEmpty()
        || config.keysFile().isEmpty()
        || config.topologyFile().isEmpty()) {
      LOG.warn(
          "betanet.node-id, betanet.keys-file and betanet.topology-file are not all set: the"
              + " mixnode will not start its packet port and will never be ready");
      return;
    }
    MixnodeConfig.Packets packets = config.mixnode();
    var settings =
        new MixnodeSettings(
            config.nodeId().get(),
            config.keysFile().get(),
            config.topologyFile().get(),
            packets.host(),
            packets.port(),
            packets.workerThreads().orElse(Runtime.getRuntime().availableProcessors()),
            packets.cryptoQueue(),
            memoryBound(
                "betanet.mixnode.crypto-queue-memory",
                packets.cryptoQueueMemory(),
                MixnodeSettings::defaultCryptoQueueBytes),
            packets.delayPool(),
            memoryBound(
                "betanet.mixnode.delay-pool-memory",
                packets.delayPoolMemory(),
                MixnodeSettings::defaultDelayPoolBytes),
            packets.nextHopQueue(),
            memoryBound(
                "betanet.mixnode.next-hop-memory",
                packets.nextHopMemory(),
                MixnodeSettings::defaultNextHopBytes),
            packets.drainTimeout(),
            packets.reloadInterval(),
            packets.stuckAfter());
    Mixnode started =
        new Mixnode(
            vertx,
            settings,
            processing.processors(),
            processing.coverSource(),
            registry,
            config.stateDir().orElse(null));
    node = started;
    // Not awaited: the files may appear after the process starts (readiness says when).
    started
        .start()
        .onFailure(
            e -> {
              if (e instanceof Mixnode.StoppedBeforeStarted) {
                LOG.info(e.getMessage());
              } else {
                LOG.errorf("mixnode %s could not start: %s", settings.nodeId(), e);
              }
            });
  }

  void onStop(@Observes ShutdownEvent event) {
    Mixnode running = node;
    if (running == null) {
      return;
    }
    try {
      running
          .stop()
          .toCompletionStage()
          .toCompletableFuture()
          .get(config.mixnode().drainTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warnf("mixnode did not stop cleanly: %s", e.toString());
    }
  }

  /** The running node, or null when it is not configured. */
  public Mixnode node() {
    return node;
  }

  /** A configured memory bound, checked against {@link #MIN_MEMORY_BOUND_BYTES}, or the default. */
  static long memoryBound(
      String property, Optional<MemorySize> configured, LongSupplier byDefault) {
    if (configured.isEmpty()) {
      return byDefault.getAsLong();
    }
    long bytes = configured.get().asLongValue();
    if (bytes < MIN_MEMORY_BOUND_BYTES) {
      throw new IllegalArgumentException(
          property
              + " is "
              + bytes
              + " bytes, below the minimum of 1M (512 packets of 2 KiB): the node would drop"
              + " most packets; leave it unset for the default or give at least 1M");
    }
    return bytes;
  }
}
