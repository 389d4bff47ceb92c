package dev.betanet.router.tunnel;

import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.tunnel.TunnelException;
import dev.betanet.protocol.tunnel.TunnelResponder;
import dev.betanet.protocol.tunnel.TunnelSession;
import dev.betanet.router.exit.BackendCaller;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterSettings;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.wire.MessageException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The exit's side of the fallback tunnel (port 1790): accepts tunnels from the routers the topology
 * names (by their Ed25519 identity, checked before any key is derived), reassembles each request
 * and has the same {@link BackendCaller} as the mixnet exit answer it, once. Many requests share
 * one tunnel; each response goes back with the request's id. Stream frames on a tunnel go to the
 * {@link TunnelStreams.Exit}, which keeps that tunnel's streams apart from every other's.
 *
 * <p>Bounded: handshakes wait apart from established tunnels, in a {@link HandshakeBudget} (a small
 * queue for connections that have not named a router of the topology, the oldest pushed out by a
 * new one, and a few per named router) and within a short deadline, so idle strangers cannot take
 * the fallback path away from the routers; at most {@link #MAX_CONNECTIONS} established tunnels
 * (more are closed and counted), {@link #MAX_REASSEMBLING} requests being received and {@link
 * #MAX_CALLS} at the backend per tunnel (more are answered 503 at once), each message at most the
 * router's message limit.
 */
public final class TunnelServer {

  static final int MAX_CONNECTIONS = 1024;
  static final int MAX_REASSEMBLING = 64;
  static final int MAX_CALLS = 256;
  static final String ROLE = "responder";

  private final Vertx vertx;
  private final Supplier<RouterState> state;
  private final BackendCaller backend;
  private final RouterMetrics metrics;
  private final int maxMessageBytes;
  private final SecureRandom random;
  private final long handshakeMillis;
  private final HandshakeBudget handshakes;
  private final TunnelStreams.Exit streamExit;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger established = new AtomicInteger();
  private NetServer server;

  public TunnelServer(
      Vertx vertx,
      Supplier<RouterState> state,
      BackendCaller backend,
      RouterMetrics metrics,
      int maxMessageBytes,
      RouterSettings.Limits limits,
      SecureRandom random,
      TunnelStreams.Exit streamExit) {
    this.vertx = vertx;
    this.state = state;
    this.backend = backend;
    this.metrics = metrics;
    this.maxMessageBytes = maxMessageBytes;
    this.random = random;
    this.handshakeMillis = limits.tunnelHandshakeTimeout().toMillis();
    this.handshakes = new HandshakeBudget(limits.maxTunnelHandshakes());
    this.streamExit = streamExit;
  }

  /** Binds {@code host:port}; completes with the bound port. */
  public Future<Integer> listen(String host, int port) {
    server =
        vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setTcpKeepAlive(true));
    server.connectHandler(this::accept);
    return server.listen(port, host).map(NetServer::actualPort);
  }

  /** Tunnels open or in their handshake. */
  public int connections() {
    return connections.get();
  }

  /** Connections whose handshake has not completed. */
  public int handshaking() {
    return handshakes.waiting();
  }

  private void accept(NetSocket socket) {
    if (state.get() == null) {
      metrics.tunnel(ROLE, "not_ready");
      socket.close();
      return;
    }
    connections.incrementAndGet();
    var responding = new Responding(socket);
    handshakes.admit(responding);
    responding.start();
  }

  /** One accepted tunnel: handshake, then requests. Confined to the socket's context. */
  private final class Responding
      implements TunnelChannel.Handler, HandshakeBudget.Waiting, TunnelStreams.Port {
    private final TunnelChannel channel;
    private final TunnelMessages.Assembly assembly =
        new TunnelMessages.Assembly(true, maxMessageBytes, MAX_REASSEMBLING);
    private TunnelResponder responder;
    private TunnelSession session;
    private boolean counted;
    private int calls;

    /** This tunnel's streams at the exit, from its first stream frame on. */
    private TunnelStreams.Receiver streams;

    Responding(NetSocket socket) {
      this.channel = new TunnelChannel(vertx, socket, ROLE, metrics, handshakeMillis);
    }

    void start() {
      channel.start(this);
    }

    @Override
    public void evict(String reason) {
      channel.close(reason);
    }

    @Override
    public void onFrame(byte[] body) throws TunnelException, MessageException {
      if (session != null) {
        byte[] plaintext = channel.open(body);
        var part = TunnelMessages.streamPart(plaintext, true);
        if (part.isPresent()) {
          if (streams == null) {
            streams = streamExit.connected(this);
          }
          streams.onFrame(part.get().id(), part.get().frame());
          return;
        }
        var message = assembly.accept(plaintext);
        if (message.isPresent()) {
          call(message.get().id(), message.get().bytes());
        }
      } else if (responder == null) {
        onHello(body);
      } else {
        TunnelResponder proving = responder;
        responder = null; // single use, whatever the proof says; onProof wipes its keys
        // Signs only now, for a peer that proved the key its hello named (docs/tunnel.md).
        TunnelResponder.Accepted accepted = proving.onProof(body);
        session = accepted.session();
        handshakes.done(this);
        channel.writePlain(accepted.accept());
        if (established.incrementAndGet() > MAX_CONNECTIONS) {
          established.decrementAndGet();
          channel.close("too_many_connections");
          return;
        }
        counted = true;
        channel.established(session);
      }
    }

    /**
     * Who may open a tunnel is decided by the topology in force when the hello arrives. The
     * challenge is unsigned; the identity key is copied out of the state for the one signature the
     * accept message needs (after the peer's proof), and every copy is wiped.
     */
    private void onHello(byte[] hello) throws TunnelException {
      RouterState current = state.get();
      if (current == null) {
        throw new TunnelException(TunnelException.Kind.UNKNOWN_PEER, "router is not ready");
      }
      byte[] identity = current.files().keys().identityPrivate();
      try {
        responder = new TunnelResponder(identity, TunnelServer.this::isRouter, random);
      } finally {
        Arrays.fill(identity, (byte) 0);
      }
      channel.writePlain(responder.onHello(hello)); // a refused hello wipes the responder's copy
      handshakes.identified(this, Key32.of(Arrays.copyOfRange(hello, 2, 34)));
    }

    private void call(long id, byte[] request) {
      if (calls >= MAX_CALLS) {
        metrics.refused("tunnel_too_many_requests");
        respond(
            id,
            BackendCaller.error(
                503, "overload", "too many requests in flight on this tunnel at the exit"));
        return;
      }
      calls++;
      backend
          .call(request)
          .onComplete(
              ar -> {
                byte[] response =
                    ar.succeeded()
                        ? ar.result()
                        : BackendCaller.error(502, "exit_failed", "the exit could not serve");
                // Back on this tunnel's context, where its counters live.
                channel.execute(
                    () -> {
                      calls--;
                      respond(id, response);
                    });
              });
    }

    private void respond(long id, byte[] response) {
      channel.send(TunnelMessages.split(false, id, response));
    }

    @Override
    public void send(long streamId, byte[] frame) {
      channel.send(List.of(TunnelMessages.stream(false, streamId, frame)));
    }

    @Override
    public boolean isOpen() {
      return channel.isEstablished();
    }

    @Override
    public void onClosed(String reason) {
      connections.decrementAndGet();
      handshakes.done(this);
      if (responder != null) {
        // Closed between challenge and proof: wipe the identity and ephemeral key copies.
        responder.destroy();
        responder = null;
      }
      if (counted) {
        established.decrementAndGet();
      }
      if (streams != null) {
        streams.onClosed();
      }
    }
  }

  private boolean isRouter(Key32 identity) {
    RouterState current = state.get();
    if (current == null) {
      return false;
    }
    for (Topology.RouterNode router : current.topology().routers()) {
      if (router.ed25519().equals(identity)) {
        return true;
      }
    }
    return false;
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
