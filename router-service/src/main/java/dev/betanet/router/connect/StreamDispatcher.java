package dev.betanet.router.connect;

import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.state.Outcomes;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.Transport;
import dev.betanet.router.stream.LocalSide;
import dev.betanet.router.stream.SocketSide;
import dev.betanet.router.stream.StreamEndpoint;
import dev.betanet.router.stream.StreamMetrics;
import dev.betanet.router.wire.StreamFrame;
import dev.betanet.router.wire.StreamReset;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.function.Supplier;

/**
 * Opens a client's stream over the transport drawn for it (once, at open: a stream never changes
 * transport once it is open): the mixnet ({@link MixnetStreams}) or the fallback tunnel ({@link
 * FallbackStreams}), so the canary split applies to streams as to requests. As for requests, a
 * stream the mixnet refused before any packet left ({@link StreamRefusal#beforeAnyPacket}) moves to
 * the tunnel under the {@code fallback} policy: counted in {@code
 * betanet_router_downgrades_total{reason="unavailable"}} and logged without the destination; an
 * OPEN that left and got no answer never moves (the exit may have seen it, and the tunnel's hello
 * names this router: docs/anonymity.md, attack 1).
 */
public final class StreamDispatcher {

  private static final System.Logger LOG = System.getLogger(StreamDispatcher.class.getName());

  private final MixnetStreams mixnet;
  private final FallbackStreams fallback;
  private final StreamMetrics metrics;
  private final RouterMetrics routerMetrics;
  private final Supplier<Topology.FallbackPolicy> policy;

  /**
   * @param policy the fallback policy of the topology in force ({@code strict} without one)
   */
  public StreamDispatcher(
      MixnetStreams mixnet,
      FallbackStreams fallback,
      StreamMetrics metrics,
      RouterMetrics routerMetrics,
      Supplier<Topology.FallbackPolicy> policy) {
    this.mixnet = mixnet;
    this.fallback = fallback;
    this.metrics = metrics;
    this.routerMetrics = routerMetrics;
    this.policy = policy;
  }

  /** A stream that opened: bind the client's socket to it once the client was told. */
  public static final class Opened {
    private final StreamEndpoint endpoint;
    private final Context context;

    Opened(StreamEndpoint endpoint, Context context) {
      this.endpoint = endpoint;
      this.context = context;
    }

    /** Starts moving bytes between {@code side} and the stream, {@code early} bytes first. */
    public void bind(SocketSide side, Buffer early) {
      side.bind(endpoint, early);
    }

    /**
     * Attaches a local side that is not a socket (the proxy's streamed HTTP exchange); it feeds the
     * returned endpoint itself ({@code offer}, {@code localEnded}, {@code drained}), on the
     * stream's context.
     */
    public StreamEndpoint attach(LocalSide side) {
      endpoint.attach(side);
      return endpoint;
    }

    /** The client is gone before it could be told: the stream is reset. */
    public void abort() {
      context.runOnContext(v -> endpoint.reset(StreamReset.ABORTED));
    }
  }

  /**
   * Opens a stream to {@code target} over {@code transport}, on {@code context} (the client
   * socket's); fails with a {@link StreamRefusal}, counted once in {@code
   * betanet_router_streams_total} like every stream's end.
   */
  public Future<Opened> open(Transport transport, ConnectTarget target, Context context) {
    if (transport == Transport.FALLBACK) {
      return fallback.open(target.host(), target.port(), context);
    }
    return mixnet
        .open(target.host(), target.port(), context)
        .recover(
            e -> {
              if (!(e instanceof StreamRefusal refusal) || !refusal.beforeAnyPacket()) {
                return Future.failedFuture(e);
              }
              if (policy.get() != Topology.FallbackPolicy.FALLBACK) {
                return Future.failedFuture(
                    refusal.saying("; fallback policy strict: not downgraded"));
              }
              routerMetrics.downgrade(Outcomes.UNAVAILABLE);
              LOG.log(
                  System.Logger.Level.WARNING,
                  "stream downgraded from the mixnet to the fallback tunnel (policy fallback):"
                      + " mixnet {0}",
                  Outcomes.UNAVAILABLE);
              return fallback.open(target.host(), target.port(), context);
            });
  }

  /**
   * Opens a stream for one HTTP exchange with {@code host}'s HTTP backend (a large body, see {@code
   * HttpStreamHeads}) over {@code transport}, the request's flow's: never the other one.
   */
  public Future<Opened> openHttp(Transport transport, String host, Context context) {
    return transport == Transport.FALLBACK
        ? fallback.open(host, StreamFrame.HTTP_PORT, context)
        : mixnet.open(host, StreamFrame.HTTP_PORT, context);
  }

  /** Counts a client refused before any stream existed (bad handshake, not a .fog name). */
  public void refused(String listener, String reason) {
    metrics.connectRefused(listener, reason);
  }

  /** Counts the transport drawn for a new stream, as for any flow. */
  public void flow(Transport transport) {
    routerMetrics.flow(transport);
  }
}
