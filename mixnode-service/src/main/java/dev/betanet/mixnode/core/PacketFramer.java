package dev.betanet.mixnode.core;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Cuts one connection's byte stream into packets: a 4-byte big-endian length, then exactly one
 * packet of the topology's packet size. Any other length is a framing violation, after which the
 * framer takes nothing more. At most one partial frame is held between reads.
 *
 * <p>Each packet is copied once, from the socket's buffer straight into the array that travels
 * through the pipeline. Not thread-safe: one connection's event loop uses it.
 */
final class PacketFramer {

  static final int LENGTH_BYTES = 4;

  private final IntSupplier packetSize;
  private int length; // the length field being read, big-endian
  private int lengthRead;
  private byte[] packet; // the packet being read, or null while reading a length
  private int packetRead;
  private String violation;

  /**
   * @param packetSize the packet size in force, read at each frame (it may change with the
   *     topology)
   */
  PacketFramer(IntSupplier packetSize) {
    this.packetSize = packetSize;
  }

  /**
   * The packets {@code data} completes, in order; reads all of {@code data} (a trailing partial
   * frame is kept for the next call). After a violation ({@link #violation()}), returns the packets
   * completed before it and then nothing more.
   */
  List<byte[]> decode(ByteBuf data) {
    List<byte[]> complete = List.of();
    while (violation == null && data.isReadable()) {
      if (packet == null) {
        if (lengthRead == 0 && data.readableBytes() >= LENGTH_BYTES) {
          length = data.readInt();
          lengthRead = LENGTH_BYTES;
        } else {
          length = (length << 8) | data.readUnsignedByte();
          lengthRead++;
        }
        if (lengthRead == LENGTH_BYTES) {
          startPacket();
        }
      } else {
        int n = Math.min(data.readableBytes(), packet.length - packetRead);
        data.readBytes(packet, packetRead, n);
        packetRead += n;
        if (packetRead == packet.length) {
          if (complete.isEmpty()) {
            complete = new ArrayList<>(data.readableBytes() / packet.length + 1);
          }
          complete.add(packet);
          packet = null;
        }
      }
    }
    data.skipBytes(data.readableBytes());
    return complete;
  }

  /** Why the stream was refused, or null while it is well framed. */
  String violation() {
    return violation;
  }

  private void startPacket() {
    int expected = packetSize.getAsInt();
    int frame = length;
    length = 0;
    lengthRead = 0;
    if (frame != expected) {
      violation = "frame of " + Integer.toUnsignedString(frame) + " bytes, packets are " + expected;
      return;
    }
    packet = new byte[frame];
    packetRead = 0;
  }
}
