package dev.betanet.bench.payload;

/**
 * The keyed hash H of a Lioness hash round ({@code L ^= H(K, R)}): 32 bytes of output from a
 * 32-byte round key and the long right part R. One implementation per candidate of issue 15's
 * payload-construction measurement; each is a library primitive (the JDK or Bouncy Castle), only
 * keyed and called here.
 *
 * <p>Implementations are not thread-safe: one per thread.
 */
public interface KeyedHash {

  /** Bytes of key per hash round. */
  int keyBytes();

  /**
   * Writes H(key, data) into {@code out[0 .. 32)}.
   *
   * @param key {@link #keyBytes()} bytes at {@code key[keyOffset ..]}, not modified
   */
  void hash(byte[] key, int keyOffset, byte[] data, int offset, int length, byte[] out);

  /** A short label for tables and test names. */
  String name();
}
