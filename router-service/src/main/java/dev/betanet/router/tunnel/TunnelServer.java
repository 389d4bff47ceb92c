package dev.betanet.router.tunnel;

import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.tunnel.TunnelException;
import dev.betanet.protocol.tunnel.TunnelResponder;
import dev.betanet.protocol.tunnel.TunnelSession;
import dev.betanet.router.exit.BackendCaller;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.wire.MessageException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The exit's side of the fallback tunnel (port 1790): accepts tunnels from the routers the topology
 * names (by their Ed25519 identity, checked before any key is derived), reassembles each request
 * and has the same {@link BackendCaller} as the mixnet exit answer it, once. Many requests share
 * one tunnel; each response goes back with the request's id.
 *
 * <p>Bounded: at most {@link #MAX_CONNECTIONS} tunnels at once (more are closed at accept and
 * counted), {@link #MAX_REASSEMBLING} requests being received and {@link #MAX_CALLS} at the backend
 * per tunnel (more are answered 503 at once), each message at most the router's message limit.
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
  private final AtomicInteger connections = new AtomicInteger();
  private NetServer server;

  public TunnelServer(
      Vertx vertx,
      Supplier<RouterState> state,
      BackendCaller backend,
      RouterMetrics metrics,
      int maxMessageBytes,
      SecureRandom random) {
    this.vertx = vertx;
    this.state = state;
    this.backend = backend;
    this.metrics = metrics;
    this.maxMessageBytes = maxMessageBytes;
    this.random = random;
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

  private void accept(NetSocket socket) {
    RouterState current = state.get();
    if (current == null || connections.get() >= MAX_CONNECTIONS) {
      metrics.tunnel(ROLE, current == null ? "not_ready" : "too_many_connections");
      socket.close();
      return;
    }
    connections.incrementAndGet();
    new Responding(socket, current).start();
  }

  /** One accepted tunnel: handshake, then requests. Confined to the socket's context. */
  private final class Responding implements TunnelChannel.Handler {
    private final TunnelChannel channel;
    private final TunnelResponder responder;
    private final TunnelMessages.Assembly assembly =
        new TunnelMessages.Assembly(true, maxMessageBytes, MAX_REASSEMBLING);
    private boolean helloSeen;
    private TunnelSession session;
    private int calls;

    Responding(NetSocket socket, RouterState current) {
      this.channel = new TunnelChannel(vertx, socket, ROLE, metrics);
      // Who may open a tunnel is decided by the topology in force when the hello arrives.
      this.responder =
          new TunnelResponder(
              current.files().keys().identityPrivate(), TunnelServer.this::isRouter, random);
    }

    void start() {
      channel.start(this);
    }

    @Override
    public void onFrame(byte[] body) throws TunnelException, MessageException {
      if (session != null) {
        var message = assembly.accept(channel.open(body));
        if (message.isPresent()) {
          call(message.get().id(), message.get().bytes());
        }
      } else if (!helloSeen) {
        helloSeen = true;
        channel.writePlain(responder.onHello(body));
      } else {
        session = responder.onConfirm(body);
        channel.established(session);
      }
    }

    private void call(long id, byte[] request) {
      if (calls >= MAX_CALLS) {
        metrics.refused("tunnel_too_many_requests");
        respond(
            id, BackendCaller.error(503, "too many requests in flight on this tunnel at the exit"));
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
                        : BackendCaller.error(502, "exit failed: " + ar.cause());
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
    public void onClosed(String reason) {
      connections.decrementAndGet();
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
