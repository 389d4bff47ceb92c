package dev.betanet.mixnode.core;

import dev.betanet.protocol.link.LinkTls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real client connection to a mixnode's packet port that can tell when it was closed; it opens
 * the link as the test network's router (mutual TLS, the sink router's identity).
 */
final class TestClient implements AutoCloseable {

  private final NetSocket socket;
  final AtomicBoolean closed = new AtomicBoolean();

  TestClient(TestNet net, int port) throws Exception {
    this(net.vertx, net.routerTls(), port);
  }

  /** A client presenting the identity of {@code tls}. */
  TestClient(Vertx vertx, LinkTls tls, int port) throws Exception {
    socket =
        vertx
            .createNetClient(NodeLinks.clientOptions(tls))
            .connect(port, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS); // a hang guard: a TLS handshake on a loaded machine
    socket.closeHandler(v -> closed.set(true));
  }

  void send(byte[] packet) throws Exception {
    socket
        .write(TestSink.frame(packet))
        .toCompletionStage()
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  void sendRaw(Buffer bytes) throws Exception {
    socket.write(bytes).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    socket.close();
  }
}
