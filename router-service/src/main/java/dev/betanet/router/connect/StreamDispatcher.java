package dev.betanet.router.connect;

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

/**
 * Opens a client's stream over the transport drawn for it (once, at open: a stream never changes
 * transport): the mixnet ({@link MixnetStreams}) or the fallback tunnel ({@link FallbackStreams}),
 * so the canary split applies to streams as to requests.
 */
public final class StreamDispatcher {

  private final MixnetStreams mixnet;
  private final FallbackStreams fallback;
  private final StreamMetrics metrics;
  private final RouterMetrics routerMetrics;

  public StreamDispatcher(
      MixnetStreams mixnet,
      FallbackStreams fallback,
      StreamMetrics metrics,
      RouterMetrics routerMetrics) {
    this.mixnet = mixnet;
    this.fallback = fallback;
    this.metrics = metrics;
    this.routerMetrics = routerMetrics;
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
    return transport == Transport.FALLBACK
        ? fallback.open(target.host(), target.port(), context)
        : mixnet.open(target.host(), target.port(), context);
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
