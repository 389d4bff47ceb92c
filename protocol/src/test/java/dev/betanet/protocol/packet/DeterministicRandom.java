package dev.betanet.protocol.packet;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * A reproducible "random" source for test vectors only: SHA-256(seed | counter) blocks. Never use
 * outside tests.
 */
final class DeterministicRandom extends SecureRandom {

  private static final long serialVersionUID = 1L;

  private final byte[] seed;
  private long counter;
  private final byte[] block = new byte[32];
  private int used = 32;

  DeterministicRandom(byte[] seed) {
    this.seed = seed.clone();
  }

  @Override
  public synchronized void nextBytes(byte[] out) {
    for (int i = 0; i < out.length; i++) {
      if (used == block.length) {
        refill();
      }
      out[i] = block[used++];
    }
  }

  private void refill() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(seed);
      sha.update(ByteBuffer.allocate(8).putLong(counter++).array());
      System.arraycopy(sha.digest(), 0, block, 0, block.length);
      used = 0;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: every JDK has SHA-256", e);
    }
  }
}
