package dev.betanet.router.entry;

import dev.betanet.protocol.mixing.ExponentialDelay;
import dev.betanet.protocol.packet.OutgoingPacket;
import dev.betanet.protocol.packet.PathHop;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.Topology.MixnodeEntry;
import dev.betanet.router.packet.PacketOutlet;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.wire.Envelope;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Loop cover packets: through one mixnode per layer (the usual path rules) and back to this router,
 * at exponentially distributed intervals with the topology's mean (a Poisson process), so the rate
 * of packets leaving a router does not reveal when its clients are active. The per-hop delays are
 * drawn as for real packets, so a loop looks like any other packet on every link. Mean 0 turns it
 * off; the mean is re-read from the topology in force at every tick.
 */
public final class CoverTraffic {

  private static final long IDLE_RECHECK_MILLIS = 1000;

  private final Vertx vertx;
  private final Supplier<RouterState> state;
  private final PathSelector paths;
  private final PacketOutlet links;
  private final RouterMetrics metrics;
  private final SecureRandom random;
  private volatile boolean running;
  private long timer = -1;

  public CoverTraffic(
      Vertx vertx,
      Supplier<RouterState> state,
      PathSelector paths,
      PacketOutlet links,
      RouterMetrics metrics,
      SecureRandom random) {
    this.vertx = vertx;
    this.state = state;
    this.paths = paths;
    this.links = links;
    this.metrics = metrics;
    this.random = random;
  }

  public void start() {
    running = true;
    schedule();
  }

  public void stop() {
    running = false;
    vertx.cancelTimer(timer);
  }

  private void schedule() {
    if (!running) {
      return;
    }
    RouterState current = state.get();
    long mean = current == null ? 0 : current.topology().mixing().coverMeanIntervalMillis();
    long wait = mean <= 0 ? IDLE_RECHECK_MILLIS : Math.max(1, ExponentialDelay.draw(mean, random));
    timer =
        vertx.setTimer(
            wait,
            t -> {
              if (mean > 0) {
                vertx.executeBlocking(this::emit, false).onComplete(ar -> schedule());
              } else {
                schedule();
              }
            });
  }

  private Void emit() {
    RouterState current = state.get();
    // The same selection as requests and SURBs, suspects included: see PathSelector.
    Optional<List<MixnodeEntry>> path = paths.select(current.topology());
    if (path.isEmpty()) {
      return null;
    }
    long meanDelay = current.topology().mixing().meanDelayMillis();
    List<PathHop> hops = new ArrayList<>();
    for (MixnodeEntry node : path.get()) {
      hops.add(
          RouterState.hop(
              node, ExponentialDelay.drawBelow(meanDelay, ReplayWindow.DEFAULT, random)));
    }
    hops.add(current.selfHop());
    OutgoingPacket packet = current.builder().forward(hops, Envelope.cover());
    links.send(path.get().getFirst().address(), packet.packet());
    metrics.coverSent();
    return null;
  }
}
