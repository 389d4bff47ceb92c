package dev.betanet.mixnode.core;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The packet port: a Vert.x NetServer whose connections each get a {@link InboundConnectionReader}.
 */
final class PacketServer {

  private final Vertx vertx;
  private final IntSupplier packetSize;
  private final Consumer<List<byte[]>> packets;
  private final MixnodeMetrics metrics;
  private NetServer server;

  PacketServer(
      Vertx vertx, IntSupplier packetSize, Consumer<List<byte[]>> packets, MixnodeMetrics metrics) {
    this.vertx = vertx;
    this.packetSize = packetSize;
    this.packets = packets;
    this.metrics = metrics;
  }

  /** Binds the port; the future holds the port actually bound (useful with port 0). */
  Future<Integer> listen(String host, int port) {
    server =
        vertx
            .createNetServer(new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true))
            .connectHandler(
                socket -> {
                  metrics.inboundConnections().incrementAndGet();
                  socket.closeHandler(v -> metrics.inboundConnections().decrementAndGet());
                  new InboundConnectionReader(socket, packetSize, packets, metrics).start();
                });
    return server.listen().map(NetServer::actualPort);
  }

  /** Stops accepting and closes every inbound connection. */
  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
