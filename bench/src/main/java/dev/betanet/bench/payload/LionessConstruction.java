package dev.betanet.bench.payload;

import dev.betanet.protocol.crypto.ChaCha20;
import java.util.Arrays;

/**
 * Lioness (Anderson and Biham, 1996) with the protocol's ChaCha20 stream rounds and a pluggable
 * {@link KeyedHash} in the two hash rounds: the candidates of issue 15 share everything with the
 * protocol's {@code dev.betanet.protocol.crypto.Lioness} except H, so a benchmark of one against
 * the other measures the hash alone. With {@link Hashes#hmacSha256()} it computes exactly what the
 * protocol's class computes ({@code LionessConstructionTest} checks that), which is what makes the
 * comparison fair.
 *
 * <pre>
 *   encrypt: R ^= S(L ^ K1); L ^= H(K2, R); R ^= S(L ^ K3); L ^= H(K4, R)
 * </pre>
 *
 * Key layout: K1 (32) | K2 (hash key bytes) | K3 (32) | K4 (hash key bytes).
 *
 * <p>Not thread-safe: one instance per thread. Not used by the protocol: a measurement tool.
 */
public final class LionessConstruction {

  /** Bytes in L. */
  public static final int LEFT_BYTES = 32;

  private static final byte[] ZERO_NONCE = new byte[ChaCha20.NONCE_BYTES];

  private final KeyedHash hash;
  private final ChaCha20 chacha = new ChaCha20();
  private final byte[] roundKey = new byte[32];
  private final byte[] digest = new byte[32];

  public LionessConstruction(KeyedHash hash) {
    this.hash = hash;
  }

  /** Bytes of key material for one block: two stream keys and two hash keys. */
  public int keyBytes() {
    return 2 * 32 + 2 * hash.keyBytes();
  }

  public String name() {
    return hash.name();
  }

  public void encrypt(byte[] key, byte[] block, int offset, int length) {
    requireLength(length);
    int k2 = 32;
    int k3 = k2 + hash.keyBytes();
    int k4 = k3 + 32;
    streamRound(key, 0, block, offset, length);
    hashRound(key, k2, block, offset, length);
    streamRound(key, k3, block, offset, length);
    hashRound(key, k4, block, offset, length);
    Arrays.fill(roundKey, (byte) 0);
  }

  public void decrypt(byte[] key, byte[] block, int offset, int length) {
    requireLength(length);
    int k2 = 32;
    int k3 = k2 + hash.keyBytes();
    int k4 = k3 + 32;
    hashRound(key, k4, block, offset, length);
    streamRound(key, k3, block, offset, length);
    hashRound(key, k2, block, offset, length);
    streamRound(key, 0, block, offset, length);
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
    hash.hash(key, keyOffset, block, offset + LEFT_BYTES, length - LEFT_BYTES, digest);
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
