package dev.betanet.protocol.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ChaCha20 stream cipher (RFC 8439: 256-bit key, 96-bit nonce, 32-bit block counter) over the
 * JDK's {@code Cipher("ChaCha20")}, which HotSpot intrinsifies with AVX2/AVX-512 on x86-64 (see
 * {@code docs/benchmarks.md} for the comparison with Bouncy Castle's {@code ChaCha7539Engine}).
 *
 * <p>Not thread-safe: one instance per thread. Every key and nonce passed in must come from HKDF
 * and be used for one message only; this class cannot check that.
 */
public final class ChaCha20 {

  /** Bytes in a key. */
  public static final int KEY_BYTES = 32;

  /** Bytes in a nonce. */
  public static final int NONCE_BYTES = 12;

  private final Cipher cipher;

  public ChaCha20() {
    try {
      this.cipher = Cipher.getInstance("ChaCha20");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("BUG: every JDK 11+ has ChaCha20", e);
    }
  }

  /**
   * XORs the key stream, starting at block {@code counter}, onto {@code data[offset .. offset +
   * length)} in place.
   *
   * @param key 32 bytes at {@code key[keyOffset ..]}, copied
   * @param nonce 12 bytes at {@code nonce[nonceOffset ..]}, copied
   * @throws IllegalArgumentException when the key or nonce is short
   */
  public void xor(
      byte[] key,
      int keyOffset,
      byte[] nonce,
      int nonceOffset,
      int counter,
      byte[] data,
      int offset,
      int length) {
    byte[] iv = new byte[NONCE_BYTES];
    System.arraycopy(nonce, nonceOffset, iv, 0, NONCE_BYTES);
    try {
      // DECRYPT_MODE: the stream is the same either way, and the JDK refuses to re-initialise
      // ENCRYPT_MODE with the key and nonce it saw last, which a per-thread instance can hit
      // legitimately (two packets routed with the same Lioness round key are not a reuse: that
      // key is itself derived per packet).
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key, keyOffset, KEY_BYTES, "ChaCha20"),
          new ChaCha20ParameterSpec(iv, counter));
      int done = cipher.doFinal(data, offset, length, data, offset);
      if (done != length) {
        throw new IllegalStateException("BUG: ChaCha20 wrote " + done + " of " + length + " bytes");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("ChaCha20 refused its key or nonce: " + e.getMessage(), e);
    }
  }

  /** XOR with a whole-array key and nonce from block 0: a convenience for cold paths and tests. */
  public void xor(byte[] key, byte[] nonce, byte[] data, int offset, int length) {
    xor(key, 0, nonce, 0, 0, data, offset, length);
  }
}
