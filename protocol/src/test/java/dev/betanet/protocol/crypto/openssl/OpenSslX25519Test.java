package dev.betanet.protocol.crypto.openssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OpenSSL's X25519 against RFC 7748's vectors and against Bouncy Castle on random inputs. */
class OpenSslX25519Test {

  private static final HexFormat HEX = HexFormat.of();
  private static OpenSslX25519 openssl;

  @BeforeAll
  static void load() {
    // libcrypto 3 is on every machine this project builds on; failing here is the point.
    openssl = OpenSslX25519.loadOrThrow();
  }

  private static byte[] agree(byte[] scalar, byte[] u) {
    byte[] out = new byte[32];
    assertThat(openssl.agree(scalar, u, out)).isTrue();
    return out;
  }

  @Test
  void matchesRfc7748ScalarMultVectors() {
    assertThat(
            agree(
                HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")))
        .asHexString()
        .isEqualToIgnoringCase("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
  }

  @Test
  void matchesRfc7748DiffieHellmanVectors() {
    byte[] alicePrivate =
        HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    byte[] bobPrivate =
        HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    byte[] alicePublic = openssl.publicKey(alicePrivate);
    byte[] bobPublic = openssl.publicKey(bobPrivate);
    assertThat(alicePublic)
        .asHexString()
        .isEqualToIgnoringCase("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    assertThat(bobPublic)
        .asHexString()
        .isEqualToIgnoringCase("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    assertThat(agree(alicePrivate, bobPublic)).asHexString().isEqualToIgnoringCase(shared);
    assertThat(agree(bobPrivate, alicePublic)).asHexString().isEqualToIgnoringCase(shared);
  }

  @Test
  void matchesRfc7748IteratedVectorAfterOneThousandRounds() {
    byte[] k = new byte[32];
    k[0] = 9;
    byte[] u = k.clone();
    for (int i = 1; i <= 1000; i++) {
      byte[] next = agree(k, u);
      u = k;
      k = next;
      if (i == 1) {
        assertThat(k)
            .asHexString()
            .isEqualToIgnoringCase(
                "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
      }
    }
    assertThat(k)
        .asHexString()
        .isEqualToIgnoringCase("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
  }

  @Test
  void agreesWithBouncyCastleOnRandomInputs() {
    var random = new SecureRandom();
    for (int i = 0; i < 300; i++) {
      byte[] scalar = new byte[32];
      byte[] u = new byte[32];
      random.nextBytes(scalar);
      random.nextBytes(u); // includes u with the top bit set, which both must ignore
      byte[] expected = new byte[32];
      X25519.scalarMult(scalar, 0, u, 0, expected, 0);
      assertThat(agree(scalar, u)).as("round %d", i).isEqualTo(expected);

      byte[] expectedPublic = new byte[32];
      X25519.scalarMultBase(scalar, 0, expectedPublic, 0);
      assertThat(openssl.publicKey(scalar)).isEqualTo(expectedPublic);
    }
  }

  @Test
  void refusesLowOrderPeerPoints() {
    byte[] scalar = new byte[32];
    new SecureRandom().nextBytes(scalar);
    byte[] out = new byte[32];
    assertThat(openssl.agree(scalar, new byte[32], out)).isFalse(); // u = 0
    byte[] one = new byte[32];
    one[0] = 1;
    assertThat(openssl.agree(scalar, one, out)).isFalse(); // u = 1
    assertThat(out).containsOnly(0);
    // The thread's cached context still works after a refused derive.
    byte[] u = openssl.publicKey(scalar);
    byte[] expected = new byte[32];
    X25519.scalarMult(scalar, 0, u, 0, expected, 0);
    assertThat(agree(scalar, u)).isEqualTo(expected);
  }

  @Test
  void staysCorrectWhenMoreKeysAreUsedThanTheCacheHolds() {
    var random = new SecureRandom();
    List<byte[]> scalars = new ArrayList<>();
    for (int i = 0; i < OpenSslX25519.KEYS_PER_THREAD * 3; i++) {
      byte[] scalar = new byte[32];
      random.nextBytes(scalar);
      scalars.add(scalar);
    }
    byte[] u = new byte[32];
    random.nextBytes(u);
    for (int round = 0; round < 3; round++) {
      for (byte[] scalar : scalars) {
        byte[] expected = new byte[32];
        X25519.scalarMult(scalar, 0, u, 0, expected, 0);
        assertThat(agree(scalar, u)).isEqualTo(expected);
      }
    }
  }

  @Test
  void isCorrectFromManyThreadsAtOnce() throws Exception {
    var random = new SecureRandom();
    byte[] scalar = new byte[32];
    random.nextBytes(scalar);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(
            pool.submit(
                () -> {
                  var local = new SecureRandom();
                  for (int i = 0; i < 200; i++) {
                    byte[] u = new byte[32];
                    local.nextBytes(u);
                    byte[] expected = new byte[32];
                    X25519.scalarMult(scalar, 0, u, 0, expected, 0);
                    byte[] out = new byte[32];
                    if (!openssl.agree(scalar, u, out) || !java.util.Arrays.equals(out, expected)) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rejectsKeysOfTheWrongLength() {
    assertThatThrownBy(() -> openssl.agree(new byte[31], new byte[32], new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 31");
    assertThatThrownBy(() -> openssl.publicKey(new byte[33]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
