package dev.betanet.protocol.crypto;

import java.util.Arrays;

/**
 * The Lioness wide-block cipher (Anderson and Biham, 1996) over ChaCha20 and HMAC-SHA256: a
 * pseudo-random permutation of the whole block, so a single flipped bit turns the whole decrypted
 * block into noise. The packet payload uses it; the final hop detects tampering by checking a block
 * of zero bytes at the start of the plaintext.
 *
 * <p>The block is split into L (the first 32 bytes) and R (the rest), and four 32-byte round keys
 * K1..K4 are used:
 *
 * <pre>
 *   encrypt: R ^= S(L ^ K1); L ^= H(K2, R); R ^= S(L ^ K3); L ^= H(K4, R)
 *   decrypt: the same rounds in reverse order
 * </pre>
 *
 * where S(k) is the ChaCha20 stream under key k with an all-zero nonce (k is unique per block
 * because K1 and K3 are derived per packet, so the zero nonce never repeats under one key) and H is
 * HMAC-SHA256.
 *
 * <p>Not thread-safe: one instance per thread.
 */
public final class Lioness {

  /** Bytes of key material: four 32-byte round keys. */
  public static final int KEY_BYTES = 4 * 32;

  /** Bytes in L; a block must be longer than this. */
  public static final int LEFT_BYTES = 32;

  private static final byte[] ZERO_NONCE = new byte[ChaCha20.NONCE_BYTES];

  private final ChaCha20 chacha = new ChaCha20();
  private final HmacSha256 hmac = new HmacSha256();
  private final byte[] roundKey = new byte[32];
  private final byte[] digest = new byte[32];

  /**
   * Encrypts {@code block[offset .. offset + length)} in place.
   *
   * @param key 128 bytes at {@code key[keyOffset ..]}: K1 | K2 | K3 | K4; not modified
   * @throws IllegalArgumentException when {@code length} is not more than 32
   */
  public void encrypt(byte[] key, int keyOffset, byte[] block, int offset, int length) {
    requireLength(length);
    streamRound(key, keyOffset, block, offset, length);
    hashRound(key, keyOffset + 32, block, offset, length);
    streamRound(key, keyOffset + 64, block, offset, length);
    hashRound(key, keyOffset + 96, block, offset, length);
    Arrays.fill(roundKey, (byte) 0);
  }

  /**
   * Decrypts {@code block[offset .. offset + length)} in place; the inverse of {@link #encrypt}.
   *
   * @throws IllegalArgumentException when {@code length} is not more than 32
   */
  public void decrypt(byte[] key, int keyOffset, byte[] block, int offset, int length) {
    requireLength(length);
    hashRound(key, keyOffset + 96, block, offset, length);
    streamRound(key, keyOffset + 64, block, offset, length);
    hashRound(key, keyOffset + 32, block, offset, length);
    streamRound(key, keyOffset, block, offset, length);
    Arrays.fill(roundKey, (byte) 0);
  }

  /** R ^= S(L ^ K). */
  private void streamRound(byte[] key, int keyOffset, byte[] block, int offset, int length) {
    for (int i = 0; i < LEFT_BYTES; i++) {
      roundKey[i] = (byte) (block[offset + i] ^ key[keyOffset + i]);
    }
    chacha.xor(roundKey, 0, ZERO_NONCE, 0, 0, block, offset + LEFT_BYTES, length - LEFT_BYTES);
  }

  /** L ^= H(K, R). */
  private void hashRound(byte[] key, int keyOffset, byte[] block, int offset, int length) {
    hmac.init(key, keyOffset, 32)
        .update(block, offset + LEFT_BYTES, length - LEFT_BYTES)
        .finish(digest, 0);
    for (int i = 0; i < LEFT_BYTES; i++) {
      block[offset + i] ^= digest[i];
    }
  }

  private static void requireLength(int length) {
    if (length <= LEFT_BYTES) {
      throw new IllegalArgumentException(
          "a Lioness block is more than " + LEFT_BYTES + " bytes, got " + length);
    }
  }
}
