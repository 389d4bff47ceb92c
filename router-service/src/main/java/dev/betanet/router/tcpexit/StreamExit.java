package dev.betanet.router.tcpexit;

import dev.betanet.protocol.packet.OutgoingPacket;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.state.StreamSettings;
import dev.betanet.router.stream.SocketSide;
import dev.betanet.router.stream.StreamEndpoint;
import dev.betanet.router.stream.StreamMetrics;
import dev.betanet.router.stream.StreamTiming;
import dev.betanet.router.wire.Envelope;
import dev.betanet.router.wire.MessageException;
import dev.betanet.router.wire.StreamFrame;
import dev.betanet.router.wire.StreamReset;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The exit's stream table: STREAM messages for the services this router hosts. A stream begins with
 * an OPEN naming a .fog host and port; {@link TcpBackends} decides whether that port is declared,
 * and only then is its backend connected; anything else is refused with an RST and counted ({@code
 * betanet_router_streams_total{role="exit",outcome}}).
 *
 * <p>Bounds: at most {@code maxStreams} streams at once (an OPEN beyond is refused, {@code
 * overload}); each stream's buffers are bounded by its endpoint; SURBs per stream by twice the
 * window. A stream's id is remembered for a while after it ends (bounded), so a late copy of its
 * OPEN cannot connect the backend a second time.
 */
public final class StreamExit {

  private static final long TICK_MILLIS = 50;
  private static final long LINGER_MILLIS = 5_000;
  private static final int REMEMBERED_CLOSED = 16_384;

  private final Vertx vertx;
  private final TcpBackends backends;
  private final Consumer<OutgoingPacket> sender;
  private final StreamSettings settings;
  private final RouterMetrics routerMetrics;
  private final StreamMetrics metrics;
  private final NetClient client;
  private final Map<Long, ExitStream> streams = new ConcurrentHashMap<>();

  /** Streams accepted and not yet ended (connecting or open); guarded by this. */
  private int active;

  private final Map<Long, Boolean> closed =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
          return size() > REMEMBERED_CLOSED;
        }
      };

  public StreamExit(
      Vertx vertx,
      TcpBackends backends,
      Consumer<OutgoingPacket> sender,
      StreamSettings settings,
      RouterMetrics routerMetrics,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.backends = backends;
    this.sender = sender;
    this.settings = settings;
    this.routerMetrics = routerMetrics;
    this.client =
        vertx.createNetClient(new NetClientOptions().setConnectTimeout(5000).setTcpNoDelay(true));
    this.metrics =
        new StreamMetrics(
            registry,
            "exit",
            new StreamMetrics.Totals() {
              @Override
              public int open() {
                return (int) streams.values().stream().filter(s -> s.endpoint != null).count();
              }

              @Override
              public long window() {
                return sum(e -> e.congestionWindow());
              }

              @Override
              public long sendBuffered() {
                return sum(StreamEndpoint::sendBufferedBytes);
              }

              @Override
              public long receiveBuffered() {
                return sum(StreamEndpoint::receiveBufferedBytes);
              }
            });
  }

  private long sum(java.util.function.ToLongFunction<StreamEndpoint> f) {
    return streams.values().stream()
        .map(s -> s.endpoint)
        .filter(e -> e != null && !e.finished())
        .mapToLong(f)
        .sum();
  }

  /** A STREAM message delivered to this router (on a crypto thread). */
  public void onForward(RouterState state, byte[] message) {
    Envelope envelope = state.envelope();
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
    ExitStream stream = streams.get(id);
    if (stream == null) {
      stream = accept(state, id, frame);
      if (stream == null) {
        return;
      }
    }
    ExitStream s = stream;
    s.context.runOnContext(
        v -> {
          s.addSurbs(envelope, forward.surbs(), frame.surbMark());
          if (s.connecting) {
            if (s.endpoint == null && s.connectFailure != null) {
              s.refuse(s.connectFailure);
            }
            return; // a copy of the OPEN while the backend connects: its SURBs are kept
          }
          s.endpoint.onFrame(frame);
          s.endpoint.pump();
        });
  }

  /** A stream's first packet: its OPEN, checked and connected; null when dropped. */
  private synchronized ExitStream accept(RouterState state, long id, StreamFrame frame) {
    ExitStream existing = streams.get(id);
    if (existing != null) {
      return existing;
    }
    if (closed.containsKey(id)) {
      routerMetrics.refused("stream_closed");
      return null;
    }
    ExitStream stream =
        new ExitStream(
            id,
            vertx.getOrCreateContext(),
            2 * settings.maxWindowSegments() + 16,
            System::currentTimeMillis,
            sender,
            () -> routerMetrics.refused("stream_surbs_dropped"));
    if (frame.type() != StreamFrame.OPEN || frame.seq() != 0) {
      routerMetrics.refused("unknown_stream");
      if (frame.type() == StreamFrame.DATA || frame.type() == StreamFrame.FIN) {
        // Data for a stream this exit does not know (it restarted, or forgot it): say so once,
        // through the packet's own SURB, so the entry fails at once instead of timing out.
        stream.connectFailure = StreamReset.PROTOCOL;
        closed.put(id, Boolean.TRUE);
        streams.put(id, stream);
        vertx.setTimer(LINGER_MILLIS, t -> streams.remove(id));
        return stream;
      }
      return null; // acknowledgements and resets of an unknown stream: dropped, counted
    }
    streams.put(id, stream);
    StreamReset refusal = active >= settings.maxStreams() ? StreamReset.OVERLOAD : null;
    TcpBackends.Lookup lookup = null;
    if (refusal == null) {
      lookup =
          backends.lookup(
              StreamFrame.openHost(frame.payload()), StreamFrame.openPort(frame.payload()));
      refusal = lookup.refusal();
    }
    if (refusal != null) {
      refused(stream, refusal);
      return stream;
    }
    active++;
    TcpBackends.Backend backend = lookup.backend();
    long initialRto = StreamTiming.initialRtoMillis(state.topology());
    stream.context.runOnContext(v -> connect(stream, backend, initialRto));
    return stream;
  }

  private void refused(ExitStream stream, StreamReset reason) {
    stream.connectFailure = reason;
    closed.put(stream.id, Boolean.TRUE);
    metrics.finished("mixnet", "refused_" + reason.word());
    vertx.setTimer(LINGER_MILLIS, t -> streams.remove(stream.id));
  }

  private void connect(ExitStream stream, TcpBackends.Backend backend, long initialRto) {
    client
        .connect(backend.port(), backend.host())
        .onComplete(
            ar -> {
              if (ar.failed()) {
                synchronized (this) {
                  active--;
                  refused(stream, StreamReset.CONNECT_FAILED);
                }
                stream.refuse(StreamReset.CONNECT_FAILED);
                return;
              }
              SocketSide side = SocketSide.of(ar.result(), () -> {});
              StreamEndpoint endpoint =
                  new StreamEndpoint(
                      settings, stream, listener(stream), System::currentTimeMillis, 1, initialRto);
              stream.endpoint = endpoint;
              stream.connecting = false;
              side.bind(endpoint);
              long timer = vertx.setPeriodic(TICK_MILLIS, t -> endpoint.tick());
              stream.timer = timer;
              endpoint.acknowledgeNow(); // the entry's OPEN: accepted
            });
  }

  private StreamEndpoint.Listener listener(ExitStream stream) {
    return new StreamEndpoint.Listener() {
      @Override
      public void opened() {}

      @Override
      public void finished(String outcome, StreamReset reset) {
        metrics.finished("mixnet", outcome);
        synchronized (StreamExit.this) {
          active--;
          closed.put(stream.id, Boolean.TRUE);
        }
        // Kept a while so a repeated FIN is acknowledged, then forgotten.
        vertx.setTimer(
            LINGER_MILLIS,
            t -> {
              vertx.cancelTimer(stream.timer);
              streams.remove(stream.id);
            });
      }

      @Override
      public void bytes(boolean sent, int count) {
        metrics.bytes(sent, "mixnet", count);
      }

      @Override
      public void retransmitted() {
        metrics.retransmitted();
      }
    };
  }

  /** Streams held (open, connecting, or lingering after their end). */
  public int held() {
    return streams.size();
  }

  public void close() {
    streams
        .values()
        .forEach(
            s ->
                s.context.runOnContext(
                    v -> {
                      if (s.endpoint != null) {
                        s.endpoint.reset(StreamReset.ABORTED);
                      }
                      vertx.cancelTimer(s.timer);
                    }));
    client.close();
  }
}
