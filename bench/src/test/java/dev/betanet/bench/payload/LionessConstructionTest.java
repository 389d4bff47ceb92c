package dev.betanet.bench.payload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.crypto.Lioness;
import dev.betanet.protocol.packet.PacketGeometry;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The candidates benchmarked by {@code PayloadConstructionBenchmark} are what they claim: the HMAC
 * one is the protocol's Lioness byte for byte, and each candidate is a permutation whose decryption
 * of a one-bit-modified block is noise (the property the tagging argument needs).
 */
class LionessConstructionTest {

  private static final int PAYLOAD = PacketGeometry.DEFAULT.payloadBytes();

  static Stream<Supplier<KeyedHash>> candidates() {
    return Hashes.all().stream();
  }

  @Test
  void hmacCandidateIsTheProtocolsLioness() {
    Random random = new Random(15);
    byte[] key = new byte[Lioness.KEY_BYTES];
    byte[] block = new byte[PAYLOAD];
    random.nextBytes(key);
    random.nextBytes(block);
    byte[] viaProtocol = block.clone();
    byte[] viaCandidate = block.clone();

    new Lioness().encrypt(key, 0, viaProtocol, 0, PAYLOAD);
    new LionessConstruction(Hashes.hmacSha256()).encrypt(key, viaCandidate, 0, PAYLOAD);

    assertThat(viaCandidate).isEqualTo(viaProtocol).isNotEqualTo(block);
  }

  @ParameterizedTest
  @MethodSource("candidates")
  void decryptionInvertsEncryption(Supplier<KeyedHash> hash) {
    LionessConstruction lioness = new LionessConstruction(hash.get());
    Random random = new Random(16);
    byte[] key = new byte[lioness.keyBytes()];
    byte[] plain = new byte[PAYLOAD];
    random.nextBytes(key);
    random.nextBytes(plain);
    byte[] block = plain.clone();

    lioness.encrypt(key, block, 0, PAYLOAD);
    assertThat(block).isNotEqualTo(plain);
    lioness.decrypt(key, block, 0, PAYLOAD);

    assertThat(block).isEqualTo(plain);
  }

  @ParameterizedTest
  @MethodSource("candidates")
  void oneFlippedBitAnywhereDecryptsToNoise(Supplier<KeyedHash> hash) {
    LionessConstruction lioness = new LionessConstruction(hash.get());
    Random random = new Random(17);
    byte[] key = new byte[lioness.keyBytes()];
    random.nextBytes(key);
    byte[] plain = new byte[PAYLOAD]; // all zero, like the 16 bytes the exit checks
    byte[] cipher = plain.clone();
    lioness.encrypt(key, cipher, 0, PAYLOAD);

    // in L, at the L/R boundary, in R, at the very end
    for (int bit : new int[] {0, 8 * 31 + 7, 8 * 32, 8 * (PAYLOAD / 2) + 3, 8 * PAYLOAD - 1}) {
      byte[] tampered = cipher.clone();
      tampered[bit / 8] ^= (byte) (1 << (bit % 8));
      lioness.decrypt(key, tampered, 0, PAYLOAD);

      for (int chunk = 0; chunk < PAYLOAD; chunk += 16) {
        int end = Math.min(chunk + 16, PAYLOAD);
        assertThat(Arrays.copyOfRange(tampered, chunk, end))
            .as("bytes %d..%d after flipping bit %d", chunk, end, bit)
            .isNotEqualTo(Arrays.copyOfRange(plain, chunk, end));
      }
      assertThat(differingBitFraction(tampered, plain)).as("bit %d", bit).isBetween(0.45, 0.55);
    }
  }

  private static double differingBitFraction(byte[] a, byte[] b) {
    int differing = 0;
    for (int i = 0; i < a.length; i++) {
      differing += Integer.bitCount((a[i] ^ b[i]) & 0xFF);
    }
    return differing / (8.0 * a.length);
  }
}
