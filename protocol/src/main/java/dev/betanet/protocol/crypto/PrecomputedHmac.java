package dev.betanet.protocol.crypto;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA256 for many short messages under one key: the SHA-256 states after the key's inner and
 * outer pad blocks are computed once and cloned per message, which saves two compressions and the
 * JCA {@code Mac} bookkeeping per message. HKDF-Expand is exactly this workload (seven blocks under
 * one PRK for a packet's keys). RFC 5869 vectors cover it through {@link Hkdf}.
 *
 * <p>Not thread-safe.
 */
final class PrecomputedHmac {

  private static final int BLOCK = 64;

  private final MessageDigest sha;
  private final byte[] pad = new byte[BLOCK];
  private final byte[] innerHash = new byte[32];
  private MessageDigest innerStart;
  private MessageDigest outerStart;
  private MessageDigest inner;

  PrecomputedHmac() {
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: every JDK has SHA-256", e);
    }
  }

  /** Sets the key (at most 64 bytes, as all of ours are); copies nothing but the pad states. */
  void key(byte[] key, int offset, int length) {
    if (length > BLOCK) {
      throw new IllegalArgumentException("keys over 64 bytes are not supported here");
    }
    innerStart = padState(key, offset, length, (byte) 0x36);
    outerStart = padState(key, offset, length, (byte) 0x5c);
    Arrays.fill(pad, (byte) 0);
  }

  private MessageDigest padState(byte[] key, int offset, int length, byte value) {
    Arrays.fill(pad, value);
    for (int i = 0; i < length; i++) {
      pad[i] ^= key[offset + i];
    }
    sha.reset();
    sha.update(pad);
    return copy(sha);
  }

  /** Starts a message under the current key. */
  PrecomputedHmac start() {
    inner = copy(innerStart);
    return this;
  }

  PrecomputedHmac update(byte[] data, int offset, int length) {
    inner.update(data, offset, length);
    return this;
  }

  PrecomputedHmac update(byte b) {
    inner.update(b);
    return this;
  }

  /** Writes the 32-byte tag to {@code out[offset ..]}. */
  void finish(byte[] out, int offset) {
    try {
      inner.digest(innerHash, 0, innerHash.length);
      MessageDigest outer = copy(outerStart);
      outer.update(innerHash);
      outer.digest(out, offset, 32);
    } catch (DigestException e) {
      throw new IllegalStateException("BUG: SHA-256 refused a 32-byte output buffer", e);
    } finally {
      Arrays.fill(innerHash, (byte) 0);
      inner = null;
    }
  }

  private static MessageDigest copy(MessageDigest state) {
    try {
      return (MessageDigest) state.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("BUG: the JDK's SHA-256 is cloneable", e);
    }
  }
}
