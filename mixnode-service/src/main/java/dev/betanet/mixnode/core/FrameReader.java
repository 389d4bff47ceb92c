package dev.betanet.mixnode.core;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.jboss.logging.Logger;

/**
 * Reads one inbound connection's frames: a 4-byte big-endian length, then exactly one packet of the
 * topology's packet size. A {@link RecordParser} in fixed-size mode alternates between the two, so
 * at most one frame is ever buffered. Any other length is a framing violation: counted as
 * malformed, and that connection (only) is closed.
 */
final class FrameReader {

  private static final Logger LOG = Logger.getLogger(FrameReader.class);
  private static final int LENGTH_BYTES = 4;

  private final NetSocket socket;
  private final IntSupplier packetSize;
  private final Consumer<List<byte[]>> packets;
  private final MixnodeMetrics metrics;
  private final RecordParser parser;
  private List<byte[]> batch = new ArrayList<>();
  private boolean readingLength = true;
  private boolean closed;

  /**
   * @param packetSize the packet size in force, read at each frame (it may change with the
   *     topology)
   * @param packets receives the packets of each socket read, on the socket's event loop; must not
   *     block
   */
  FrameReader(
      NetSocket socket,
      IntSupplier packetSize,
      Consumer<List<byte[]>> packets,
      MixnodeMetrics metrics) {
    this.socket = socket;
    this.packetSize = packetSize;
    this.packets = packets;
    this.metrics = metrics;
    this.parser = RecordParser.newFixed(LENGTH_BYTES);
    parser.handler(this::onRecord);
    parser.exceptionHandler(this::onError);
  }

  /** Starts reading. */
  void start() {
    socket.handler(this::onRead);
    socket.exceptionHandler(this::onError);
  }

  /** One socket read: frame it, then hand over its packets together. */
  private void onRead(Buffer data) {
    parser.handle(data);
    if (!batch.isEmpty()) {
      List<byte[]> read = batch;
      batch = new ArrayList<>();
      packets.accept(read);
    }
  }

  private void onRecord(Buffer record) {
    if (closed) {
      return; // the rest of a buffer that arrived before we closed
    }
    if (readingLength) {
      int length = record.getInt(0);
      int expected = packetSize.getAsInt();
      if (length != expected) {
        LOG.debugf(
            "closing %s: frame of %d bytes, packets are %d",
            socket.remoteAddress(), length, expected);
        metrics.count(PacketResult.MALFORMED);
        close();
        return;
      }
      readingLength = false;
      parser.fixedSizeMode(length);
    } else {
      metrics.bytesIn(LENGTH_BYTES + record.length());
      readingLength = true;
      parser.fixedSizeMode(LENGTH_BYTES);
      batch.add(record.getBytes());
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
