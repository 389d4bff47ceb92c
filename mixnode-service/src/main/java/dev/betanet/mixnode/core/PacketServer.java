package dev.betanet.mixnode.core;

import dev.betanet.protocol.link.LinkPeers;
import dev.betanet.protocol.link.LinkRefusal;
import dev.betanet.protocol.link.PendingHandshakes;
import dev.betanet.protocol.topology.Key32;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The packet port: one Vert.x NetServer per {@link PacketLoop}, all on the same port, each created
 * on its loop's context, so Vert.x hands each new connection to one of them in turn and that loop
 * reads it for its whole life. The port speaks mutual TLS 1.3 only ({@link NodeLinks}): a
 * connection is read only after the peer's certificate passed the topology's pins, and each gets an
 * {@link InboundConnectionReader} feeding its loop. Failed handshakes are counted by reason; at
 * most {@link PendingHandshakes#MAX} are in progress at once on the port, across its loops (the
 * oldest beyond is closed). Open links are re-judged at every topology change ({@link #recheck}).
 * The servers' options are made in one place ({@link #options}).
 */
final class PacketServer {

  private final Vertx vertx;
  private final IntSupplier packetSize;
  private final List<PacketLoop> loops;
  private final MixnodeMetrics metrics;
  private final NodeLinks links;
  private final Map<NetSocket, Key32> open = new ConcurrentHashMap<>();
  private final PendingHandshakes handshakes = new PendingHandshakes();
  private final List<NetServer> servers = new ArrayList<>();

  PacketServer(
      Vertx vertx,
      IntSupplier packetSize,
      List<PacketLoop> loops,
      MixnodeMetrics metrics,
      NodeLinks links) {
    this.vertx = vertx;
    this.packetSize = packetSize;
    this.loops = loops;
    this.metrics = metrics;
    this.links = links;
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
                  vertx
                      .createNetServer(options(host, port))
                      .connectHandler(s -> handshake(s, loop));
              synchronized (servers) {
                servers.add(server);
              }
              server.listen().map(NetServer::actualPort).onComplete(bound);
            });
    return bound.future();
  }

  private NetServerOptions options(String host, int port) {
    return links.serverOptions().setHost(host).setPort(port).setTcpNoDelay(true);
  }

  /**
   * A new TCP connection: its TLS handshake is counted against the bound from now until it ends
   * (upgraded here, in the same event-loop turn as the accept, so no byte is read before TLS is in
   * place); a failed handshake is counted by its reason, one pushed out by the bound as {@code
   * too_many_handshakes}, never both.
   */
  private void handshake(NetSocket socket, PacketLoop loop) {
    PendingHandshakes.Pending pending =
        () -> {
          links.refusedInbound(LinkRefusal.TOO_MANY_HANDSHAKES);
          socket.close();
        };
    socket.exceptionHandler(e -> {}); // the upgrade's outcome below says what went wrong
    NodeLinks.usePooledBuffers(socket);
    handshakes.begin(pending);
    socket
        .upgradeToSsl()
        .onComplete(
            ar -> {
              if (!handshakes.end(pending)) {
                socket.close(); // pushed out (counted) while the handshake ran
              } else if (ar.failed()) {
                links.refusedInbound(ar.cause());
                socket.close();
              } else {
                accept(socket, loop);
              }
            });
  }

  private void accept(NetSocket socket, PacketLoop loop) {
    Key32 peer = NodeLinks.peerOf(socket);
    if (peer == null) {
      // Unreachable with client auth required; refuse rather than trust a link without a pin.
      metrics.linkRefused(LinkRefusal.HANDSHAKE_FAILED);
      socket.close();
      return;
    }
    open.put(socket, peer);
    metrics.inboundConnections().incrementAndGet();
    socket.closeHandler(
        v -> {
          open.remove(socket);
          metrics.inboundConnections().decrementAndGet();
        });
    new InboundConnectionReader(socket, packetSize, loop::accept, metrics).start();
  }

  /**
   * Closes the open links whose peer {@code peers} (the topology now in force) no longer allows,
   * counted as {@code removed}: a node taken out of the layer before this one stops reaching this
   * one at once, not at its next reconnect. Links still allowed stay open.
   */
  void recheck(LinkPeers peers) {
    if (peers == null) {
      return;
    }
    open.forEach(
        (socket, peer) -> {
          if (peers.judge(peer).isPresent() && open.remove(socket) != null) {
            metrics.linkRefused(LinkRefusal.REMOVED);
            socket.close();
          }
        });
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
