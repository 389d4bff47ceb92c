package dev.betanet.protocol.crypto;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA256 for many short messages under one key, allocating nothing: the key's inner and outer
 * pad blocks are kept, and two SHA-256 digests are reset and reused for every message. HKDF is
 * exactly this workload (seven blocks under one PRK for a packet's keys). RFC 5869 vectors cover it
 * through {@link Hkdf}.
 *
 * <p>Until 2026-12-02 it kept the digest states after the pad blocks and cloned them per message:
 * two compressions fewer, but 18 clones and 3,944 bytes per packet, 39 % of what a mixnode
 * allocated, and a young collection (a pause of the packet loop) for every ≈ 3,300 packets where
 * there is now one for every ≈ 5,300. With SHA-NI a compression costs about what a clone did
 * (docs/benchmarks.md, "Allocation, the replay filter's rotation and the open loop's tail").
 *
 * <p>Not thread-safe.
 */
final class ReusedHmac {

  private static final int BLOCK = 64;

  private final MessageDigest inner;
  private final MessageDigest outer;
  private final byte[] innerPad = new byte[BLOCK];
  private final byte[] outerPad = new byte[BLOCK];
  private final byte[] innerHash = new byte[32];

  ReusedHmac() {
    try {
      this.inner = MessageDigest.getInstance("SHA-256");
      this.outer = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: every JDK has SHA-256", e);
    }
  }

  /** Sets the key (at most 64 bytes, as all of ours are). */
  void key(byte[] key, int offset, int length) {
    if (length > BLOCK) {
      throw new IllegalArgumentException("keys over 64 bytes are not supported here");
    }
    Arrays.fill(innerPad, (byte) 0x36);
    Arrays.fill(outerPad, (byte) 0x5c);
    for (int i = 0; i < length; i++) {
      innerPad[i] ^= key[offset + i];
      outerPad[i] ^= key[offset + i];
    }
  }

  /** Starts a message under the current key. */
  ReusedHmac start() {
    inner.reset();
    inner.update(innerPad);
    return this;
  }

  ReusedHmac update(byte[] data, int offset, int length) {
    inner.update(data, offset, length);
    return this;
  }

  ReusedHmac update(byte b) {
    inner.update(b);
    return this;
  }

  /** Writes the 32-byte tag to {@code out[offset ..]}. */
  void finish(byte[] out, int offset) {
    try {
      inner.digest(innerHash, 0, innerHash.length);
      outer.reset();
      outer.update(outerPad);
      outer.update(innerHash);
      outer.digest(out, offset, 32);
    } catch (DigestException e) {
      throw new IllegalStateException("BUG: SHA-256 refused a 32-byte output buffer", e);
    } finally {
      Arrays.fill(innerHash, (byte) 0);
    }
  }
}
