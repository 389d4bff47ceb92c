package dev.betanet.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LionessTest {

  private final Random random = new Random(42);
  private final Lioness lioness = new Lioness();

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  @Test
  void decryptInvertsEncryptInPlace() {
    byte[] key = bytes(Lioness.KEY_BYTES);
    byte[] plain = bytes(1532);
    byte[] block = plain.clone();
    lioness.encrypt(key, 0, block, 0, block.length);
    assertThat(block).isNotEqualTo(plain);
    lioness.decrypt(key, 0, block, 0, block.length);
    assertThat(block).isEqualTo(plain);
  }

  @Test
  void flippedCiphertextBitScramblesEveryPartOfTheBlock() {
    byte[] key = bytes(Lioness.KEY_BYTES);
    byte[] plain = new byte[1532];
    byte[] cipher = plain.clone();
    lioness.encrypt(key, 0, cipher, 0, cipher.length);
    for (int bit : new int[] {0, 255, 256, 5000, 1532 * 8 - 1}) {
      byte[] tampered = cipher.clone();
      tampered[bit / 8] ^= (byte) (1 << (bit % 8));
      lioness.decrypt(key, 0, tampered, 0, tampered.length);
      // Every 16-byte chunk of the result differs from the plaintext: nothing survives locally.
      for (int chunk = 0; chunk + 16 <= tampered.length; chunk += 16) {
        assertThat(Arrays.equals(tampered, chunk, chunk + 16, plain, chunk, chunk + 16))
            .as("bit %d, chunk at %d", bit, chunk)
            .isFalse();
      }
    }
  }

  @Test
  void wrongKeyYieldsNoise() {
    byte[] key = bytes(Lioness.KEY_BYTES);
    byte[] plain = new byte[200];
    byte[] block = plain.clone();
    lioness.encrypt(key, 0, block, 0, block.length);
    key[100] ^= 1;
    lioness.decrypt(key, 0, block, 0, block.length);
    assertThat(Arrays.equals(block, 0, 16, plain, 0, 16)).isFalse();
  }

  @Test
  void refusesBlockNotLongerThanLeftHalf() {
    assertThatThrownBy(() -> lioness.encrypt(new byte[128], 0, new byte[32], 0, 32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 32");
  }
}
