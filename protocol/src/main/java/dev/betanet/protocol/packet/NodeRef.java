package dev.betanet.protocol.packet;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A node as packets name it: the first 16 bytes of SHA-256 over its Ed25519 identity public key.
 * Held as two longs so maps hash it without copying.
 */
public record NodeRef(long high, long low) {

  /** Bytes on the wire. */
  public static final int BYTES = 16;

  /**
   * The reference of the node whose Ed25519 identity public key is {@code ed25519Public}.
   *
   * @throws IllegalArgumentException when the key is not 32 bytes
   */
  public static NodeRef ofIdentity(byte[] ed25519Public) {
    if (ed25519Public == null || ed25519Public.length != 32) {
      throw new IllegalArgumentException(
          "an Ed25519 public key is 32 bytes, got "
              + (ed25519Public == null ? "none" : ed25519Public.length));
    }
    try {
      return read(MessageDigest.getInstance("SHA-256").digest(ed25519Public), 0);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: every JDK has SHA-256", e);
    }
  }

  /** The reference in {@code bytes[offset .. offset + 16)}. */
  public static NodeRef read(byte[] bytes, int offset) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, BYTES);
    return new NodeRef(buffer.getLong(), buffer.getLong());
  }

  /** Writes the 16 bytes to {@code out[offset ..]}. */
  public void writeTo(byte[] out, int offset) {
    ByteBuffer.wrap(out, offset, BYTES).putLong(high).putLong(low);
  }

  /** A new 16-byte array. */
  public byte[] bytes() {
    byte[] out = new byte[BYTES];
    writeTo(out, 0);
    return out;
  }

  @Override
  public String toString() {
    return String.format("%016x%016x", high, low);
  }
}
