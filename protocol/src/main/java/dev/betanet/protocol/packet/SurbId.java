package dev.betanet.protocol.packet;

import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * Names a single-use reply block: the final hop of a reply reports it so that the SURB's creator
 * finds the keys that open the reply. Random, 16 bytes; it is visible only to that final hop (the
 * creator's own router).
 */
public record SurbId(long high, long low) {

  /** Bytes on the wire. */
  public static final int BYTES = 16;

  /** A fresh random id. */
  public static SurbId random(SecureRandom random) {
    return new SurbId(random.nextLong(), random.nextLong());
  }

  /** The id in {@code bytes[offset .. offset + 16)}. */
  public static SurbId read(byte[] bytes, int offset) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, BYTES);
    return new SurbId(buffer.getLong(), buffer.getLong());
  }

  /** Writes the 16 bytes to {@code out[offset ..]}. */
  public void writeTo(byte[] out, int offset) {
    ByteBuffer.wrap(out, offset, BYTES).putLong(high).putLong(low);
  }

  @Override
  public String toString() {
    return String.format("%016x%016x", high, low);
  }
}
