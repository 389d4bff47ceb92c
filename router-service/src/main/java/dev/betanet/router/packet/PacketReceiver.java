package dev.betanet.router.packet;

import dev.betanet.protocol.link.LinkPeers;
import dev.betanet.protocol.link.LinkRefusal;
import dev.betanet.protocol.link.PendingHandshakes;
import dev.betanet.protocol.packet.PacketException;
import dev.betanet.protocol.packet.ProcessResult;
import dev.betanet.protocol.topology.Key32;
import dev.betanet.router.state.RouterState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The router's packet port (mutual TLS 1.3, {@link RouterLinks}: only the last layer's mixnodes
 * complete a handshake; at most {@link PendingHandshakes#MAX} handshakes in progress): packets from
 * the last mix layer (requests for services this router hosts, and replies to requests it sent).
 * Frames are read with a {@link RecordParser} switching between a 4-byte length and a body of
 * exactly the topology's packet size; any other length closes that connection only. Packets are
 * peeled on a small crypto pool (never on the event loop) bounded in packets and bytes ({@link
 * ReceivedPacketPool}): when full, the packet is dropped and counted.
 */
public final class PacketReceiver {

  /** Where peeled packets go. */
  public interface Sink {
    void deliver(RouterState state, ProcessResult.Deliver deliver);

    void reply(RouterState state, ProcessResult.ReplyDelivery reply);

    /** A packet refused, by a short reason word (bounded set: it becomes a metric label). */
    void refused(String reason);
  }

  private final Vertx vertx;
  private final Supplier<RouterState> state;
  private final Sink sink;
  private final ReceivedPacketPool crypto;
  private final RouterLinks links;
  private final Map<NetSocket, Key32> open = new ConcurrentHashMap<>();
  private final PendingHandshakes handshakes;
  private NetServer server;

  /**
   * @param links the mutual TLS the packet port speaks: only the last layer's mixnodes get in
   */
  public PacketReceiver(
      Vertx vertx, Supplier<RouterState> state, Sink sink, int threads, RouterLinks links) {
    this(vertx, state, sink, threads, links, new PendingHandshakes());
  }

  /**
   * @param handshakes the bound on TLS handshakes in progress on the packet port
   */
  public PacketReceiver(
      Vertx vertx,
      Supplier<RouterState> state,
      Sink sink,
      int threads,
      RouterLinks links,
      PendingHandshakes handshakes) {
    this.vertx = vertx;
    this.handshakes = handshakes;
    this.links = links;
    this.state = state;
    this.sink = sink;
    this.crypto =
        new ReceivedPacketPool(
            threads, ReceivedPacketPool.BOUND_PACKETS, ReceivedPacketPool.defaultBoundBytes());
  }

  /** Binds {@code host:port}; completes with the bound port. */
  public Future<Integer> listen(String host, int port) {
    server = vertx.createNetServer(links.serverOptions().setTcpNoDelay(true));
    server.connectHandler(this::handshake);
    return server.listen(port, host).map(NetServer::actualPort);
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
    RouterLinks.usePooledBuffers(socket);
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

  /**
   * Closes the open links whose peer the topology now in force no longer allows (counted as {@code
   * removed}); the others stay open.
   */
  public void recheck() {
    LinkPeers peers = links.inboundPeers();
    if (peers == null) {
      return;
    }
    open.forEach(
        (socket, peer) -> {
          if (peers.judge(peer).isPresent() && open.remove(socket) != null) {
            links.removed();
            socket.close();
          }
        });
  }

  private void accept(NetSocket socket) {
    Key32 peer = RouterLinks.peerOf(socket);
    if (peer == null) {
      // Unreachable with client auth required; refuse rather than trust a link without a pin.
      links.refusedInbound(new IllegalStateException("no peer certificate"));
      socket.close();
      return;
    }
    open.put(socket, peer);
    socket.closeHandler(v -> open.remove(socket));
    RecordParser parser = RecordParser.newFixed(4);
    boolean[] inBody = {false};
    // Set at a framing error: the parser may still hold records of the same read; the connection
    // is counted once and nothing after the bad length is read as a frame.
    boolean[] refused = {false};
    parser.handler(
        record -> {
          if (refused[0]) {
            return;
          }
          if (!inBody[0]) {
            int length = record.getInt(0);
            RouterState current = state.get();
            if (current == null || length != current.geometry().packetBytes()) {
              refused[0] = true;
              sink.refused("malformed_frame");
              socket.close();
              return;
            }
            inBody[0] = true;
            parser.fixedSizeMode(length);
          } else {
            inBody[0] = false;
            parser.fixedSizeMode(4);
            submit(record.getBytes());
          }
        });
    parser.exceptionHandler(e -> socket.close());
    socket.handler(parser);
    socket.exceptionHandler(e -> socket.close());
  }

  private void submit(byte[] packet) {
    if (!crypto.submit(packet, this::process)) {
      sink.refused("overload");
    }
  }

  private void process(byte[] packet) {
    RouterState current = state.get();
    try {
      switch (current.processor().process(packet)) {
        case ProcessResult.Deliver deliver -> sink.deliver(current, deliver);
        case ProcessResult.ReplyDelivery reply -> sink.reply(current, reply);
        case ProcessResult.Forward forward -> sink.refused("relay");
      }
    } catch (PacketException e) {
      sink.refused(e.kind().name().toLowerCase(java.util.Locale.ROOT));
    } catch (RuntimeException e) {
      sink.refused("bug");
    }
  }

  public Future<Void> close() {
    crypto.shutdownNow();
    return server == null ? Future.succeededFuture() : server.close();
  }
}
