package dev.betanet.mixnode.core;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The packet port: one Vert.x NetServer per {@link PacketLoop}, all on the same port, each created
 * on its loop's context, so Vert.x hands each new connection to one of them in turn and that loop
 * reads it for its whole life. Each connection gets an {@link InboundConnectionReader} feeding its
 * loop. The servers' options are made in one place ({@link #options}).
 */
final class PacketServer {

  private final Vertx vertx;
  private final IntSupplier packetSize;
  private final List<PacketLoop> loops;
  private final MixnodeMetrics metrics;
  private final List<NetServer> servers = new ArrayList<>();

  PacketServer(
      Vertx vertx, IntSupplier packetSize, List<PacketLoop> loops, MixnodeMetrics metrics) {
    this.vertx = vertx;
    this.packetSize = packetSize;
    this.loops = loops;
    this.metrics = metrics;
  }

  /**
   * Binds the port, once per loop; the future holds the port bound. Port 0 (tests) picks a free
   * port first: Vert.x shares a port between servers only when they name it, never port 0.
   */
  Future<Integer> listen(String host, int port) {
    int chosen;
    try {
      chosen = port != 0 ? port : freePort(host);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    Future<Integer> bound = Future.succeededFuture(chosen);
    for (PacketLoop loop : loops) {
      bound = bound.compose(actual -> listen(loop, host, actual));
    }
    return bound;
  }

  private static int freePort(String host) throws IOException {
    try (var socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }

  private Future<Integer> listen(PacketLoop loop, String host, int port) {
    Promise<Integer> bound = Promise.promise();
    // Created and bound on the loop's context: that is the context its connections run on.
    loop.context()
        .runOnContext(
            v -> {
              NetServer server =
                  vertx.createNetServer(options(host, port)).connectHandler(s -> accept(s, loop));
              synchronized (servers) {
                servers.add(server);
              }
              server.listen().map(NetServer::actualPort).onComplete(bound);
            });
    return bound.future();
  }

  private static NetServerOptions options(String host, int port) {
    return new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true);
  }

  private void accept(NetSocket socket, PacketLoop loop) {
    metrics.inboundConnections().incrementAndGet();
    socket.closeHandler(v -> metrics.inboundConnections().decrementAndGet());
    new InboundConnectionReader(socket, packetSize, loop::accept, metrics).start();
  }

  /** Stops accepting and closes every inbound connection. */
  Future<Void> close() {
    List<Future<Void>> closed = new ArrayList<>();
    synchronized (servers) {
      servers.forEach(server -> closed.add(server.close()));
      servers.clear();
    }
    return Future.all(closed).mapEmpty();
  }
}
