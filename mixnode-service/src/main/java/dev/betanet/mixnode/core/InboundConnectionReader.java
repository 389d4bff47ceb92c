package dev.betanet.mixnode.core;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.jboss.logging.Logger;

/**
 * Reads one inbound connection: each socket read goes through the connection's {@link
 * PacketFramer}, and the packets it completes are handed over together. A framing violation is
 * counted as malformed and closes that connection only.
 *
 * <p>It takes Netty's buffers as they are read ({@link NetSocketInternal#messageHandler}) rather
 * than Vert.x {@code Buffer}s through a {@code RecordParser}: that path copied every packet four
 * times (socket buffer to heap, into the parser, out as a record, out as an array), which cost the
 * event loops more than the syscalls. Now each packet is copied once.
 */
final class InboundConnectionReader {

  private static final Logger LOG = Logger.getLogger(InboundConnectionReader.class);

  private final NetSocketInternal socket;
  private final PacketFramer framer;
  private final Consumer<List<byte[]>> packets;
  private final MixnodeMetrics metrics;
  private boolean closed; // confined to the connection's event loop

  /**
   * @param packetSize the packet size in force, read at each frame (it may change with the
   *     topology)
   * @param packets receives the packets of each socket read, on the socket's event loop; must not
   *     block
   */
  InboundConnectionReader(
      NetSocket socket,
      IntSupplier packetSize,
      Consumer<List<byte[]>> packets,
      MixnodeMetrics metrics) {
    this.socket = (NetSocketInternal) socket;
    this.framer = new PacketFramer(packetSize);
    this.packets = packets;
    this.metrics = metrics;
  }

  /** Starts reading. */
  void start() {
    socket.messageHandler(this::onMessage);
    socket.exceptionHandler(this::onError);
  }

  private void onMessage(Object message) {
    if (!(message instanceof ByteBuf data)) {
      ReferenceCountUtil.release(message); // a pipeline event, not bytes
      return;
    }
    List<byte[]> read;
    try {
      if (closed) {
        return; // the rest of what arrived before we closed
      }
      metrics.bytesIn(data.readableBytes());
      read = framer.decode(data);
    } finally {
      data.release();
    }
    if (!read.isEmpty()) {
      packets.accept(read);
    }
    if (framer.violation() != null) {
      LOG.debugf("closing %s: %s", socket.remoteAddress(), framer.violation());
      metrics.count(PacketResult.MALFORMED);
      close();
    }
  }

  private void onError(Throwable error) {
    LOG.debugf("closing %s: %s", socket.remoteAddress(), error.getMessage());
    close();
  }

  private void close() {
    closed = true;
    socket.close();
  }
}
