package dev.betanet.mixnode.core;

import dev.betanet.protocol.mixing.ExponentialDelay;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Emits this node's cover packets as a Poisson process (the packets themselves come from a {@link
 * PacketSource}; routers have their own cover traffic): the gap before each is drawn from an
 * exponential distribution with the topology's {@code mixing.coverMeanIntervalMillis} (0 = off),
 * re-read for every packet so a topology change takes effect at the next gap. Packets are built off
 * the event loop and leave through the normal pipeline, so on the wire they look like any forwarded
 * packet.
 */
public final class CoverEmitter {

  /** Builds one cover packet for the state in force. */
  @FunctionalInterface
  public interface PacketSource {
    /**
     * A cover packet and its first hop, or empty when none can be built now (e.g. the topology has
     * no path back to this node).
     */
    Optional<HopResult.Forward> next(ActiveState state);

    /** A source for nodes that send no cover traffic. */
    static PacketSource none() {
      return state -> Optional.empty();
    }
  }

  private static final Logger LOG = Logger.getLogger(CoverEmitter.class);

  /** How often to look again while cover traffic is off. */
  private static final long IDLE_CHECK_MILLIS = 1_000;

  private final Vertx vertx;
  private final Supplier<ActiveState> state;
  private final PacketSource source;
  private final Pipeline pipeline;
  private final MixnodeMetrics metrics;
  private volatile boolean running;
  private long timerId = -1;

  CoverEmitter(
      Vertx vertx,
      Supplier<ActiveState> state,
      PacketSource source,
      Pipeline pipeline,
      MixnodeMetrics metrics) {
    this.vertx = vertx;
    this.state = state;
    this.source = source;
    this.pipeline = pipeline;
    this.metrics = metrics;
  }

  void start() {
    running = true;
    scheduleNext();
  }

  void stop() {
    running = false;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  private void scheduleNext() {
    if (!running) {
      return;
    }
    ActiveState current = state.get();
    long mean = current == null ? 0 : current.topology().mixing().coverMeanIntervalMillis();
    if (mean <= 0) {
      timerId = vertx.setTimer(IDLE_CHECK_MILLIS, id -> scheduleNext());
      return;
    }
    // At least 1 ms: Vert.x's shortest timer.
    long gap = Math.max(1, ExponentialDelay.draw(mean, ThreadLocalRandom.current()));
    timerId = vertx.setTimer(gap, id -> emit());
  }

  private void emit() {
    vertx
        .executeBlocking(() -> source.next(state.get()), false)
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result().isPresent() && running) {
                HopResult.Forward packet = ar.result().get();
                metrics.coverSent();
                pipeline.send(packet);
              } else if (ar.failed()) {
                LOG.warnf("could not build a cover packet: %s", ar.cause().toString());
              }
              scheduleNext();
            });
  }
}
