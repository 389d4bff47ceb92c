package dev.betanet.router.connect;

import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.Transport;
import dev.betanet.router.stream.SocketSide;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Opens a client's stream over the transport drawn for it (once, at open: a stream never changes
 * transport). Streams are carried by the mixnet only: a stream drawn to the fallback tunnel fails
 * at once with a clear reason, counted as {@code
 * betanet_router_streams_total{role="entry",transport="fallback",outcome="refused_fallback_unsupported"}},
 * rather than silently taking the mixnet (that would skew the canary) or the tunnel without its
 * multiplexing and flow control (docs/streams.md, "Known limits").
 */
public final class StreamDispatcher {

  private final MixnetStreams mixnet;
  private final RouterMetrics routerMetrics;

  public StreamDispatcher(MixnetStreams mixnet, RouterMetrics routerMetrics) {
    this.mixnet = mixnet;
    this.routerMetrics = routerMetrics;
  }

  /** A stream that opened: bind the client's socket to it once the client was told. */
  public static final class Opened {
    private final EntryStream stream;

    Opened(EntryStream stream) {
      this.stream = stream;
    }

    /** Starts moving bytes between {@code side} and the stream, {@code early} bytes first. */
    public void bind(SocketSide side, Buffer early) {
      side.bind(stream.endpoint, early);
    }

    /** The client is gone before it could be told: the stream is reset. */
    public void abort() {
      stream.context.runOnContext(
          v -> stream.endpoint.reset(dev.betanet.router.wire.StreamReset.ABORTED));
    }
  }

  /**
   * Opens a stream to {@code target} over {@code transport}, on {@code context} (the client
   * socket's); fails with a {@link StreamRefusal}, counted once in {@code
   * betanet_router_streams_total} like every stream's end.
   */
  public Future<Opened> open(Transport transport, ConnectTarget target, Context context) {
    if (transport == Transport.FALLBACK) {
      mixnet.metrics().finished("fallback", "refused_fallback_unsupported");
      return Future.failedFuture(
          new StreamRefusal(
              "fallback_unsupported",
              StreamRefusal.SOCKS_GENERAL_FAILURE,
              503,
              "this stream was drawn to the fallback tunnel, which does not carry streams"));
    }
    return mixnet.open(target.host(), target.port(), context).map(Opened::new);
  }

  /** Counts a client refused before any stream existed (bad handshake, not a .fog name). */
  public void refused(String listener, String reason) {
    mixnet.metrics().connectRefused(listener, reason);
  }

  /** Counts the transport drawn for a new stream, as for any flow. */
  public void flow(Transport transport) {
    routerMetrics.flow(transport);
  }
}
