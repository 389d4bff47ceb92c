package dev.betanet.router.connect;

import dev.betanet.router.state.RouterFailure;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.state.StreamSettings;
import dev.betanet.router.stream.StreamEndpoint;
import dev.betanet.router.stream.StreamMetrics;
import dev.betanet.router.stream.StreamTiming;
import dev.betanet.router.tunnel.TunnelClient;
import dev.betanet.router.wire.StreamReset;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The entry's streams over the fallback tunnel (docs/streams.md, "Over the fallback tunnel"): each
 * is attached to the one tunnel to its exit ({@link TunnelClient#attachStream}), shared with the
 * fallback requests and the other streams to that exit, and runs the same {@link StreamEndpoint} as
 * a mixnet stream. The tunnel is reliable and ordered, so the endpoint's retransmission timers stay
 * idle; its windows are what keep one stream from taking the tunnel's buffers from the others
 * (multiplexed, flow-controlled).
 */
public final class FallbackStreams {

  private final Vertx vertx;
  private final Supplier<RouterState> state;
  private final TunnelClient tunnels;
  private final StreamSettings settings;
  private final RouterMetrics routerMetrics;
  private final StreamMetrics metrics;
  private final SecureRandom random;
  private final Map<Long, FallbackStream> streams = new ConcurrentHashMap<>();

  public FallbackStreams(
      Vertx vertx,
      Supplier<RouterState> state,
      TunnelClient tunnels,
      StreamSettings settings,
      RouterMetrics routerMetrics,
      StreamMetrics metrics,
      SecureRandom random) {
    this.vertx = vertx;
    this.state = state;
    this.tunnels = tunnels;
    this.settings = settings;
    this.routerMetrics = routerMetrics;
    this.metrics = metrics;
    this.random = random;
    metrics.track(this::endpoints);
  }

  private Stream<StreamEndpoint> endpoints() {
    return streams.values().stream().map(s -> s.endpoint).filter(e -> !e.finished());
  }

  /**
   * Opens a stream to {@code host:port} over the tunnel to its exit, on {@code context} (the client
   * socket's). Completes once the exit accepted it; fails with a {@link StreamRefusal}.
   */
  Future<StreamDispatcher.Opened> open(String host, int port, Context context) {
    RouterState current = state.get();
    try {
      RouterState.exitFor(current, host);
    } catch (RouterFailure f) {
      return refused(
          "unavailable".equals(f.outcome()) ? StreamReset.OVERLOAD : StreamReset.UNKNOWN_NAME,
          f.getMessage());
    }
    if (streams.size() >= settings.maxStreams()) {
      return refused(StreamReset.OVERLOAD, "too many fallback streams at this router");
    }
    long id = random.nextLong();
    FallbackStream stream =
        new FallbackStream(id, context, current.envelope().streamFrameBytes(0), routerMetrics);
    stream.endpoint =
        new StreamEndpoint(
            settings,
            stream,
            listener(stream),
            System::currentTimeMillis,
            0,
            StreamTiming.initialRtoMillis(current.topology()));
    streams.put(id, stream);
    tunnels
        .attachStream(host, id, stream)
        .onComplete(
            ar ->
                context.runOnContext(
                    v -> {
                      if (ar.failed()) {
                        streams.remove(id);
                        metrics.finished("fallback", "refused_tunnel_unavailable");
                        stream.opened.tryFail(
                            new StreamRefusal(
                                "tunnel_unavailable",
                                StreamRefusal.SOCKS_HOST_UNREACHABLE,
                                503,
                                ar.cause().getMessage()));
                        return;
                      }
                      stream.attached(ar.result());
                      stream.timer =
                          EntryOpening.start(
                              vertx,
                              stream.endpoint,
                              stream.opened,
                              settings.openTimeout(),
                              host,
                              port);
                    }));
    return stream.opened.future().map(s -> new StreamDispatcher.Opened(s.endpoint, s.context));
  }

  private Future<StreamDispatcher.Opened> refused(StreamReset reason, String message) {
    metrics.finished("fallback", "refused_" + reason.word());
    return Future.failedFuture(new StreamRefusal(reason, message));
  }

  private StreamEndpoint.Listener listener(FallbackStream stream) {
    return new EntryStreamListener<>(
        vertx,
        metrics,
        "fallback",
        "the exit did not accept the stream over the fallback tunnel: ",
        stream.opened,
        stream,
        () -> {
          vertx.cancelTimer(stream.timer);
          streams.remove(stream.id);
          stream.detach();
        });
  }

  /** Streams held now (open, opening, or lingering after their end). */
  public int held() {
    return streams.size();
  }

  public void close() {
    streams
        .values()
        .forEach(s -> s.context.runOnContext(v -> s.endpoint.reset(StreamReset.ABORTED)));
  }
}
