package dev.betanet.protocol.packet;

import dev.betanet.protocol.crypto.Lioness;
import dev.betanet.protocol.packet.PacketException.Kind;
import java.util.Arrays;
import java.util.Objects;

/**
 * A single-use reply block: what the exit needs to answer a sender it cannot name. It holds the
 * first hop of the reply path, a ready header, and the Lioness key the replier encrypts the payload
 * with (without it the first reply hop would read the reply). It reveals neither the path beyond
 * the first hop nor the creator. Use each SURB once: a second packet from the same header is
 * refused as a replay by the first hop.
 *
 * <p>Serialized form ({@link #toBytes()}): {@code version(1) | firstHop(16) | payloadKey(128) |
 * header(headerBytes)}, so it travels inside a forward message.
 */
public final class Surb {

  private static final int FIXED_BYTES = 1 + NodeRef.BYTES + Lioness.KEY_BYTES;

  private final NodeRef firstHop;
  private final byte[] header;
  private final byte[] payloadKey;

  Surb(NodeRef firstHop, byte[] header, byte[] payloadKey) {
    this.firstHop = Objects.requireNonNull(firstHop);
    this.header = header;
    this.payloadKey = payloadKey;
  }

  /** Bytes of a serialized SURB for {@code geometry}. */
  public static int serializedBytes(PacketGeometry geometry) {
    return FIXED_BYTES + geometry.headerBytes();
  }

  /** Where the reply packet goes first. */
  public NodeRef firstHop() {
    return firstHop;
  }

  byte[] header() {
    return header;
  }

  byte[] payloadKey() {
    return payloadKey;
  }

  /** The serialized SURB, a new array of {@link #serializedBytes} bytes. */
  public byte[] toBytes() {
    byte[] out = new byte[FIXED_BYTES + header.length];
    out[0] = (byte) PacketGeometry.VERSION;
    firstHop.writeTo(out, 1);
    System.arraycopy(payloadKey, 0, out, 1 + NodeRef.BYTES, Lioness.KEY_BYTES);
    System.arraycopy(header, 0, out, FIXED_BYTES, header.length);
    return out;
  }

  /**
   * Parses a serialized SURB for {@code geometry}; the bytes are copied.
   *
   * @throws PacketException INVALID_SURB for a wrong length or version
   */
  public static Surb fromBytes(PacketGeometry geometry, byte[] bytes) throws PacketException {
    int expected = serializedBytes(geometry);
    if (bytes.length != expected) {
      throw new PacketException(
          Kind.INVALID_SURB, "got " + bytes.length + " bytes, expected " + expected);
    }
    if ((bytes[0] & 0xFF) != PacketGeometry.VERSION) {
      throw new PacketException(
          Kind.INVALID_SURB,
          "version " + (bytes[0] & 0xFF) + ", expected " + PacketGeometry.VERSION);
    }
    return new Surb(
        NodeRef.read(bytes, 1),
        Arrays.copyOfRange(bytes, FIXED_BYTES, bytes.length),
        Arrays.copyOfRange(bytes, 1 + NodeRef.BYTES, FIXED_BYTES));
  }
}
