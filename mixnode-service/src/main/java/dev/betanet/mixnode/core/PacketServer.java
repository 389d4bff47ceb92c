package dev.betanet.mixnode.core;

import dev.betanet.protocol.link.LinkPeers;
import dev.betanet.protocol.link.LinkRefusal;
import dev.betanet.protocol.link.PendingHandshakes;
import dev.betanet.protocol.topology.Key32;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The packet port: a Vert.x NetServer speaking mutual TLS 1.3 only ({@link NodeLinks}); a
 * connection is read only after the peer's certificate passed the topology's pins, and each gets an
 * {@link InboundConnectionReader}. Failed handshakes are counted by reason; at most {@link
 * PendingHandshakes#MAX} are in progress at once (the oldest beyond is closed). Open links are
 * re-judged at every topology change ({@link #recheck}).
 */
final class PacketServer {

  private final Vertx vertx;
  private final IntSupplier packetSize;
  private final Consumer<List<byte[]>> packets;
  private final MixnodeMetrics metrics;
  private final NodeLinks links;
  private final Map<NetSocket, Key32> open = new ConcurrentHashMap<>();
  private final PendingHandshakes handshakes = new PendingHandshakes();
  private NetServer server;

  PacketServer(
      Vertx vertx,
      IntSupplier packetSize,
      Consumer<List<byte[]>> packets,
      MixnodeMetrics metrics,
      NodeLinks links) {
    this.vertx = vertx;
    this.packetSize = packetSize;
    this.packets = packets;
    this.metrics = metrics;
    this.links = links;
  }

  /** Binds the port; the future holds the port actually bound (useful with port 0). */
  Future<Integer> listen(String host, int port) {
    server =
        vertx
            .createNetServer(links.serverOptions().setHost(host).setPort(port).setTcpNoDelay(true))
            .connectHandler(this::handshake);
    return server.listen().map(NetServer::actualPort);
  }

  /**
   * A new TCP connection: its TLS handshake is counted against the bound from now until it ends
   * (upgraded here, in the same event-loop turn as the accept, so no byte is read before TLS is in
   * place); a failed handshake is counted by its reason, one pushed out by the bound as {@code
   * too_many_handshakes}, never both.
   */
  private void handshake(NetSocket socket) {
    PendingHandshakes.Pending pending =
        () -> {
          links.refusedInbound(LinkRefusal.TOO_MANY_HANDSHAKES);
          socket.close();
        };
    socket.exceptionHandler(e -> {}); // the upgrade's outcome below says what went wrong
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
                accept(socket);
              }
            });
  }

  private void accept(NetSocket socket) {
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
    new InboundConnectionReader(socket, packetSize, packets, metrics).start();
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
    return server == null ? Future.succeededFuture() : server.close();
  }
}
