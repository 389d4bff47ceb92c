package dev.betanet.router.tcpexit;

import dev.betanet.protocol.packet.OutgoingPacket;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.state.StreamSettings;
import dev.betanet.router.stream.SocketSide;
import dev.betanet.router.stream.StreamEndpoint;
import dev.betanet.router.stream.StreamMetrics;
import dev.betanet.router.stream.StreamTiming;
import dev.betanet.router.tunnel.TunnelStreams;
import dev.betanet.router.wire.Envelope;
import dev.betanet.router.wire.MessageException;
import dev.betanet.router.wire.StreamFrame;
import dev.betanet.router.wire.StreamReset;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The exit's streams, from the mixnet (STREAM messages in packets, {@link #onForward}) and from the
 * fallback tunnel (one {@link StreamTable} per tunnel connection, {@link #connected}). A stream
 * begins with an OPEN naming a .fog host and port; {@link TcpBackends} decides whether that port is
 * declared, and only then is its backend connected; anything else is refused with an RST and
 * counted ({@code betanet_router_streams_total{role="exit",transport,outcome}}). An OPEN to {@link
 * StreamFrame#HTTP_PORT} is one HTTP exchange with the service's HTTP backend ({@link
 * HttpStreamBackends}: a large body through the proxy), the same for both transports.
 *
 * <p>Bounds: at most {@code maxStreams} streams at once over both transports (an OPEN beyond is
 * refused, {@code overload}); each stream's buffers are bounded by its endpoint; SURBs per stream
 * by twice the window.
 */
public final class StreamExit implements TunnelStreams.Exit {

  private static final long TICK_MILLIS = 50;
  private static final long LINGER_MILLIS = 5_000;

  private final Vertx vertx;
  private final TcpBackends backends;
  private final HttpStreamBackends http;
  private final Consumer<OutgoingPacket> sender;
  private final LongSupplier departureBound;
  private final Supplier<RouterState> state;
  private final StreamSettings settings;
  private final RouterMetrics routerMetrics;
  private final StreamMetrics metrics;
  private final NetClient client;
  private final StreamTable mixnet = new StreamTable();
  private final Set<StreamTable> tunnels = ConcurrentHashMap.newKeySet();

  /** Streams accepted and not yet ended (connecting or open); guarded by this. */
  private int active;

  public StreamExit(
      Vertx vertx,
      TcpBackends backends,
      HttpStreamBackends http,
      Consumer<OutgoingPacket> sender,
      LongSupplier departureBound,
      Supplier<RouterState> state,
      StreamSettings settings,
      RouterMetrics routerMetrics,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.backends = backends;
    this.http = http;
    this.sender = sender;
    this.departureBound = departureBound;
    this.state = state;
    this.settings = settings;
    this.routerMetrics = routerMetrics;
    this.client =
        vertx.createNetClient(new NetClientOptions().setConnectTimeout(5000).setTcpNoDelay(true));
    this.metrics = new StreamMetrics(registry, "exit");
    metrics.track(this::endpoints);
  }

  private Stream<StreamEndpoint> endpoints() {
    return Stream.concat(Stream.of(mixnet), tunnels.stream())
        .flatMap(t -> t.all().stream())
        .map(s -> s.endpoint)
        .filter(e -> e != null && !e.finished());
  }

  /** A STREAM message delivered to this router (on a crypto thread). */
  public void onForward(RouterState current, byte[] message) {
    Envelope envelope = current.envelope();
    Envelope.Forward forward;
    StreamFrame frame;
    try {
      forward = envelope.parseStream(message);
      frame = StreamFrame.decode(forward.fragment());
    } catch (MessageException e) {
      routerMetrics.refused("bad_stream_frame");
      return;
    }
    long id = forward.requestId();
    ExitStream stream = mixnet.streams.get(id);
    if (stream == null) {
      stream =
          accept(
              mixnet,
              id,
              frame,
              current,
              streamId ->
                  new MixnetExitStream(
                      streamId,
                      vertx.getOrCreateContext(),
                      2 * settings.maxWindowSegments() + 16,
                      System::currentTimeMillis,
                      sender,
                      () -> routerMetrics.refused("stream_surbs_dropped"),
                      departureBound));
      if (stream == null) {
        return;
      }
    }
    MixnetExitStream s = (MixnetExitStream) stream;
    s.context.runOnContext(
        v -> {
          s.addSurbs(envelope, forward.surbs(), frame.surbMark());
          deliver(s, frame);
        });
  }

  /** The streams of one tunnel connection: their own table, reset when the tunnel ends. */
  @Override
  public TunnelStreams.Receiver connected(TunnelStreams.Port port) {
    StreamTable table = new StreamTable();
    tunnels.add(table);
    return new TunnelStreams.Receiver() {
      @Override
      public void onFrame(long id, byte[] bytes) {
        StreamFrame frame;
        try {
          frame = StreamFrame.decode(bytes);
        } catch (MessageException e) {
          routerMetrics.refused("bad_stream_frame");
          return;
        }
        RouterState current = state.get();
        ExitStream stream = table.streams.get(id);
        if (stream == null && current == null) {
          routerMetrics.refused("stream_not_ready"); // no topology yet: no geometry, no RTO
          return;
        }
        if (stream == null) {
          int frameBytes = current.envelope().streamReplyFrameBytes();
          stream =
              accept(
                  table,
                  id,
                  frame,
                  current,
                  streamId ->
                      new TunnelExitStream(streamId, vertx.getOrCreateContext(), port, frameBytes));
        }
        if (stream != null) {
          ExitStream s = stream;
          s.context.runOnContext(v -> deliver(s, frame));
        }
      }

      @Override
      public void onClosed() {
        table.gone = true;
        tunnels.remove(table);
        resetAll(table);
      }
    };
  }

  /** A frame for a known stream, on its context. */
  private void deliver(ExitStream s, StreamFrame frame) {
    if (s.connecting) {
      if (s.endpoint == null && s.connectFailure != null) {
        s.refuse(s.connectFailure);
      }
      return; // a copy of the OPEN while the backend connects (its SURBs are kept)
    }
    s.endpoint.onFrame(frame);
    s.endpoint.pump();
  }

  /** A stream's first frame: its OPEN, checked and connected; null when dropped. */
  private synchronized ExitStream accept(
      StreamTable table,
      long id,
      StreamFrame frame,
      RouterState current,
      Function<Long, ExitStream> make) {
    ExitStream existing = table.streams.get(id);
    if (existing != null) {
      return existing;
    }
    if (table.wasClosed(id)) {
      routerMetrics.refused("stream_closed");
      return null;
    }
    ExitStream stream = make.apply(id);
    if (frame.type() != StreamFrame.OPEN || frame.seq() != 0) {
      routerMetrics.refused("unknown_stream");
      if (frame.type() == StreamFrame.DATA || frame.type() == StreamFrame.FIN) {
        // Data for a stream this exit does not know (it restarted, or forgot it): say so once
        // (through the packet's own SURB, or on the tunnel), so the entry fails at once instead of
        // timing out.
        stream.connectFailure = StreamReset.PROTOCOL;
        table.markClosed(id);
        table.streams.put(id, stream);
        vertx.setTimer(LINGER_MILLIS, t -> table.streams.remove(id));
        return stream;
      }
      return null; // acknowledgements and resets of an unknown stream: dropped, counted
    }
    table.streams.put(id, stream);
    StreamReset refusal = active >= settings.maxStreams() ? StreamReset.OVERLOAD : null;
    String host = StreamFrame.openHost(frame.payload());
    boolean httpExchange = StreamFrame.openPort(frame.payload()) == StreamFrame.HTTP_PORT;
    TcpBackends.Lookup lookup = null;
    if (refusal == null && httpExchange) {
      refusal = http.hosts(host) ? null : StreamReset.UNKNOWN_NAME;
    } else if (refusal == null) {
      lookup = backends.lookup(host, StreamFrame.openPort(frame.payload()));
      refusal = lookup.refusal();
    }
    if (refusal != null) {
      refused(table, stream, refusal);
      return stream;
    }
    active++;
    long initialRto = StreamTiming.initialRtoMillis(current.topology());
    if (httpExchange) {
      stream.context.runOnContext(v -> exchange(table, stream, initialRto));
      return stream;
    }
    TcpBackends.Backend backend = lookup.backend();
    stream.context.runOnContext(v -> connect(table, stream, backend, initialRto));
    return stream;
  }

  private void refused(StreamTable table, ExitStream stream, StreamReset reason) {
    stream.connectFailure = reason;
    table.markClosed(stream.id);
    metrics.finished(stream.transport.label(), "refused_" + reason.word());
    vertx.setTimer(LINGER_MILLIS, t -> table.streams.remove(stream.id));
  }

  private void connect(
      StreamTable table, ExitStream stream, TcpBackends.Backend backend, long initialRto) {
    client
        .connect(backend.port(), backend.host())
        .onComplete(
            ar -> {
              if (ar.failed() || table.gone) {
                if (ar.succeeded()) {
                  ar.result().close(); // its tunnel ended while the backend connected
                }
                StreamReset reason = ar.failed() ? StreamReset.CONNECT_FAILED : StreamReset.ABORTED;
                synchronized (this) {
                  active--;
                  refused(table, stream, reason);
                }
                stream.refuse(reason);
                return;
              }
              SocketSide side = SocketSide.of(ar.result(), () -> {});
              StreamEndpoint endpoint =
                  new StreamEndpoint(
                      settings,
                      stream,
                      listener(table, stream),
                      System::currentTimeMillis,
                      1,
                      initialRto);
              stream.endpoint = endpoint;
              stream.connecting = false;
              side.bind(endpoint);
              stream.timer = vertx.setPeriodic(TICK_MILLIS, t -> endpoint.tick());
              endpoint.acknowledgeNow(); // the entry's OPEN: accepted
            });
  }

  /**
   * An HTTP exchange (OPEN to {@link StreamFrame#HTTP_PORT}): accepted at once; its backend request
   * starts when the head arrives ({@link HttpStreamBackend}).
   */
  private void exchange(StreamTable table, ExitStream stream, long initialRto) {
    if (table.gone) {
      synchronized (this) {
        active--;
        refused(table, stream, StreamReset.ABORTED);
      }
      stream.refuse(StreamReset.ABORTED);
      return;
    }
    StreamEndpoint endpoint =
        new StreamEndpoint(
            settings, stream, listener(table, stream), System::currentTimeMillis, 1, initialRto);
    stream.endpoint = endpoint;
    stream.connecting = false;
    http.exchange().bind(endpoint);
    stream.timer = vertx.setPeriodic(TICK_MILLIS, t -> endpoint.tick());
    endpoint.acknowledgeNow(); // the entry's OPEN: accepted
  }

  private StreamEndpoint.Listener listener(StreamTable table, ExitStream stream) {
    String transport = stream.transport.label();
    return new StreamEndpoint.Listener() {
      @Override
      public void opened() {}

      @Override
      public void finished(String outcome, StreamReset reset) {
        metrics.finished(transport, outcome);
        synchronized (StreamExit.this) {
          active--;
          table.markClosed(stream.id);
        }
        // Kept a while so a repeated FIN is acknowledged, then forgotten.
        vertx.setTimer(
            LINGER_MILLIS,
            t -> {
              vertx.cancelTimer(stream.timer);
              table.streams.remove(stream.id);
            });
      }

      @Override
      public void bytes(boolean sent, int count) {
        metrics.bytes(sent, transport, count);
      }

      @Override
      public void retransmitted() {
        metrics.retransmitted();
      }
    };
  }

  /** Streams held (open, connecting, or lingering after their end), over both transports. */
  public int held() {
    return mixnet.streams.size() + tunnels.stream().mapToInt(t -> t.streams.size()).sum();
  }

  private void resetAll(StreamTable table) {
    table
        .all()
        .forEach(
            s ->
                s.context.runOnContext(
                    v -> {
                      if (s.endpoint != null) {
                        s.endpoint.reset(StreamReset.ABORTED);
                      }
                      vertx.cancelTimer(s.timer);
                    }));
  }

  public void close() {
    resetAll(mixnet);
    tunnels.forEach(this::resetAll);
    client.close();
    http.close();
  }
}
