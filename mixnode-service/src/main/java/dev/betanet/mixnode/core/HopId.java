package dev.betanet.mixnode.core;

import dev.betanet.protocol.topology.Key32;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A node as packets name it: the first 16 bytes of SHA-256 of its Ed25519 identity key (the
 * protocol's {@code NodeRef}), held as two longs so the routing table hashes it without copying.
 */
public record HopId(long high, long low) {

  public static final int LENGTH = 16;

  /** The id of the node whose Ed25519 identity is {@code identity}. */
  public static HopId ofIdentity(Key32 identity) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.bytes());
      return of(digest, 0);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: every JDK has SHA-256", e);
    }
  }

  /** The id in {@code bytes[offset .. offset + 16)}. */
  public static HopId of(byte[] bytes, int offset) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, LENGTH);
    return new HopId(buffer.getLong(), buffer.getLong());
  }

  public byte[] bytes() {
    return ByteBuffer.allocate(LENGTH).putLong(high).putLong(low).array();
  }

  @Override
  public String toString() {
    return String.format("%016x%016x", high, low);
  }
}
