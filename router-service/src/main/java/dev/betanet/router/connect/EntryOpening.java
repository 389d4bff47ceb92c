package dev.betanet.router.connect;

import dev.betanet.router.stream.StreamEndpoint;
import dev.betanet.router.wire.StreamFrame;
import dev.betanet.router.wire.StreamReset;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;

/** How an entry stream of either transport starts, on its own context. */
final class EntryOpening {

  /**
   * The endpoint's timers (retransmission, delayed acknowledgement, probe, idle) run this often.
   */
  static final long TICK_MILLIS = 50;

  /** A finished stream is kept this long to acknowledge a repeated FIN, then forgotten. */
  static final long LINGER_MILLIS = 5_000;

  private EntryOpening() {}

  /**
   * Starts the endpoint's periodic tick, arms the open deadline (the stream is reset with {@code
   * timeout} when the exit has not accepted it by then) and sends the OPEN. Call on the stream's
   * context.
   *
   * @return the tick's timer id, to cancel when the stream is forgotten
   */
  static long start(
      Vertx vertx,
      StreamEndpoint endpoint,
      Promise<?> opened,
      Duration openTimeout,
      String host,
      int port) {
    long tick = vertx.setPeriodic(TICK_MILLIS, t -> endpoint.tick());
    long deadline =
        vertx.setTimer(
            openTimeout.toMillis(),
            t -> {
              if (!opened.future().isComplete()) {
                endpoint.reset(StreamReset.TIMEOUT);
              }
            });
    opened.future().onComplete(ar -> vertx.cancelTimer(deadline));
    endpoint.open(StreamFrame.openPayload(host, port));
    return tick;
  }
}
