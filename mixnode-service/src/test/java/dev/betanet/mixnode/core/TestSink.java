package dev.betanet.mixnode.core;

import dev.betanet.protocol.link.LinkTls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real NetServer on loopback standing in for the exit router: collects framed packets. It speaks
 * the node links' mutual TLS with the identity and pins of {@code tls}, as a router does.
 */
final class TestSink {

  private final NetServer server;
  final List<byte[]> packets = new CopyOnWriteArrayList<>();
  volatile int badFrames;

  /** Links accepted since start, and those open now. */
  final AtomicInteger accepted = new AtomicInteger();

  final Set<NetSocket> open = ConcurrentHashMap.newKeySet();

  TestSink(Vertx vertx, int packetSize, LinkTls tls) {
    server =
        vertx
            .createNetServer(NodeLinks.serverOptions(tls))
            .connectHandler(
                socket -> {
                  accepted.incrementAndGet();
                  open.add(socket);
                  socket.closeHandler(v -> open.remove(socket));
                  RecordParser parser = RecordParser.newFixed(4);
                  boolean[] readingLength = {true};
                  parser.handler(
                      record -> {
                        if (readingLength[0]) {
                          int length = record.getInt(0);
                          if (length != packetSize) {
                            badFrames++;
                            socket.close();
                            return;
                          }
                          parser.fixedSizeMode(length);
                        } else {
                          packets.add(record.getBytes());
                          parser.fixedSizeMode(4);
                        }
                        readingLength[0] = !readingLength[0];
                      });
                  socket.handler(parser);
                });
    try {
      server
          .listen(0, "127.0.0.1")
          .toCompletionStage()
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Closes every link open now, as a restarting router would. */
  void closeLinks() {
    open.forEach(NetSocket::close);
  }

  int port() {
    return server.actualPort();
  }

  static Buffer frame(byte[] packet) {
    return Buffer.buffer(4 + packet.length).appendInt(packet.length).appendBytes(packet);
  }
}
