package dev.betanet.router.connect;

import dev.betanet.router.split.CanarySplit;
import dev.betanet.router.state.StreamSettings;
import dev.betanet.router.state.Transport;
import dev.betanet.router.stream.SocketSide;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The entry's SOCKS5 port (RFC 1928; 1080 by default): no authentication, CONNECT to a .fog name
 * and port, nothing else. Each connection is one stream and one canary draw. A client is anonymous,
 * so what it can hold is bounded before it is read: connections open at once (more are closed at
 * accept), the bytes of a handshake ({@link Socks5Handshake}), and the time it may take to name its
 * destination ({@code handshake-timeout}); every refusal is counted in {@code
 * betanet_router_connect_refused_total{listener="socks",reason}}.
 */
public final class Socks5Server {

  private static final String LISTENER = "socks";
  private static final System.Logger LOG = System.getLogger(Socks5Server.class.getName());

  private final Vertx vertx;
  private final CanarySplit split;
  private final StreamDispatcher dispatcher;
  private final StreamSettings settings;
  private final AtomicInteger open = new AtomicInteger();
  private NetServer server;

  public Socks5Server(
      Vertx vertx, CanarySplit split, StreamDispatcher dispatcher, StreamSettings settings) {
    this.vertx = vertx;
    this.split = split;
    this.dispatcher = dispatcher;
    this.settings = settings;
  }

  /** Binds {@code host:port}; completes with the bound port. */
  public Future<Integer> listen(String host, int port) {
    server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true));
    server.connectHandler(this::accept);
    return server.listen(port, host).map(NetServer::actualPort);
  }

  /** Client connections open now (handshaking or carrying a stream). */
  public int connections() {
    return open.get();
  }

  private void accept(NetSocket socket) {
    if (open.incrementAndGet() > settings.maxStreams()) {
      open.decrementAndGet();
      dispatcher.refused(LISTENER, "too_many_connections");
      socket.close();
      return;
    }
    socket.closeHandler(v -> open.decrementAndGet());
    Socks5Handshake handshake = new Socks5Handshake();
    boolean[] done = {false};
    long timer =
        vertx.setTimer(
            settings.handshakeTimeout().toMillis(),
            t -> {
              if (!done[0]) {
                done[0] = true;
                dispatcher.refused(LISTENER, "handshake_timeout");
                socket.close();
              }
            });
    socket.exceptionHandler(e -> socket.close());
    socket.handler(
        data -> {
          if (done[0]) {
            return;
          }
          switch (handshake.feed(data)) {
            case Socks5Handshake.NeedMore n -> {}
            case Socks5Handshake.Greeted g -> socket.write(g.reply());
            case Socks5Handshake.Refused r -> {
              done[0] = true;
              vertx.cancelTimer(timer);
              dispatcher.refused(LISTENER, r.reason());
              if (r.reply() != null) {
                socket.end(r.reply());
              } else {
                socket.close();
              }
            }
            case Socks5Handshake.Requested r -> {
              done[0] = true;
              vertx.cancelTimer(timer);
              if (r.greetingReply() != null) {
                socket.write(r.greetingReply());
              }
              connect(socket, r);
            }
          }
        });
  }

  private void connect(NetSocket socket, Socks5Handshake.Requested request) {
    SocketSide side = SocketSide.of(socket, open::decrementAndGet); // paused until open
    ConnectTarget target;
    try {
      target = ConnectTarget.of(request.host(), request.port());
    } catch (StreamRefusal refusal) {
      dispatcher.refused(LISTENER, refusal.reason());
      socket.end(Socks5Handshake.reply(refusal.socksReply()));
      return;
    }
    Transport transport = split.next();
    dispatcher.flow(transport);
    dispatcher
        .open(transport, target, vertx.getOrCreateContext())
        .onSuccess(
            opened -> {
              socket.write(Socks5Handshake.reply(0x00));
              opened.bind(side, request.early());
            })
        .onFailure(
            e -> {
              LOG.log(System.Logger.Level.DEBUG, "SOCKS stream refused: {0}", e.getMessage());
              int code =
                  e instanceof StreamRefusal r
                      ? r.socksReply()
                      : StreamRefusal.SOCKS_GENERAL_FAILURE;
              socket.end(Socks5Handshake.reply(code));
            });
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
