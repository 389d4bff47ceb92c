package dev.betanet.protocol.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HKDF-SHA256 (RFC 5869): every packet key and nonce comes from here, never from a random source,
 * so a shared secret fixes them all and nothing is reused across secrets.
 *
 * <p>Not thread-safe (it owns an {@link HmacSha256}): one instance per thread.
 */
public final class Hkdf {

  /** Bytes in a pseudo-random key (the extract output). */
  public static final int PRK_BYTES = HmacSha256.TAG_BYTES;

  /** RFC 5869: at most 255 blocks of output. */
  public static final int MAX_OUTPUT_BYTES = 255 * HmacSha256.TAG_BYTES;

  private final ReusedHmac hmac = new ReusedHmac();
  private final byte[] block = new byte[HmacSha256.TAG_BYTES];
  private final ReusedHmac saltHmac = new ReusedHmac();
  // The salt whose pad blocks saltHmac holds: packets use one constant salt, so this is set once
  // per thread.
  private byte[] lastSalt;

  /**
   * HKDF-Extract: writes PRK = HMAC(salt, ikm) to {@code prk[0..32)}.
   *
   * @param salt not modified; an empty salt means 32 zero bytes, as the RFC says
   */
  public void extract(byte[] salt, byte[] ikm, int ikmOffset, int ikmLength, byte[] prk) {
    if (!Arrays.equals(salt, lastSalt)) {
      byte[] key = salt.length == 0 ? new byte[HmacSha256.TAG_BYTES] : salt;
      if (key.length > 64) {
        // RFC 2104: longer keys are hashed first; no salt of ours is, but stay correct.
        key = sha256(key);
      }
      saltHmac.key(key, 0, key.length);
      lastSalt = salt.clone();
    }
    saltHmac.start().update(ikm, ikmOffset, ikmLength).finish(prk, 0);
  }

  /**
   * HKDF-Expand: writes {@code length} bytes of OKM to {@code out[offset ..]}.
   *
   * @param prk the 32-byte extract output, not modified
   * @param info context bytes, not modified
   * @throws IllegalArgumentException when {@code length} exceeds {@link #MAX_OUTPUT_BYTES}
   */
  public void expand(byte[] prk, byte[] info, byte[] out, int offset, int length) {
    if (length < 0 || length > MAX_OUTPUT_BYTES) {
      throw new IllegalArgumentException(
          "HKDF output is 0.." + MAX_OUTPUT_BYTES + " bytes, asked for " + length);
    }
    hmac.key(prk, 0, prk.length);
    int written = 0;
    for (int counter = 1; written < length; counter++) {
      hmac.start();
      if (counter > 1) {
        hmac.update(block, 0, block.length);
      }
      hmac.update(info, 0, info.length).update((byte) counter).finish(block, 0);
      int n = Math.min(block.length, length - written);
      System.arraycopy(block, 0, out, offset + written, n);
      written += n;
    }
    Arrays.fill(block, (byte) 0);
  }

  /** Extract then expand into a new array: a convenience for tests and cold paths. */
  public static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
    Hkdf hkdf = new Hkdf();
    byte[] prk = new byte[PRK_BYTES];
    hkdf.extract(salt, ikm, 0, ikm.length, prk);
    byte[] out = new byte[length];
    hkdf.expand(prk, info, out, 0, length);
    Arrays.fill(prk, (byte) 0);
    return out;
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: every JDK has SHA-256", e);
    }
  }
}
