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
import java.util.concurrent.TimeUnit;
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
            packets.delayPool(),
            packets
                .delayPoolMemory()
                .map(MemorySize::asLongValue)
                .orElseGet(MixnodeSettings::defaultDelayPoolBytes),
            packets.nextHopQueue(),
            packets
                .nextHopMemory()
                .map(MemorySize::asLongValue)
                .orElseGet(MixnodeSettings::defaultNextHopBytes),
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
}
