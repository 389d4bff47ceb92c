package dev.betanet.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;

/** Known-answer tests from the RFCs that define each primitive. */
class RfcVectorsTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void hkdfMatchesRfc5869TestCase1() {
    byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
    byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
    Hkdf hkdf = new Hkdf();
    byte[] prk = new byte[32];
    hkdf.extract(salt, ikm, 0, ikm.length, prk);
    assertThat(HEX.formatHex(prk))
        .isEqualTo("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    assertThat(HEX.formatHex(Hkdf.derive(salt, ikm, info, 42)))
        .isEqualTo(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }

  @Test
  void hkdfMatchesRfc5869TestCase3WithEmptySaltAndInfo() {
    byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    assertThat(HEX.formatHex(Hkdf.derive(new byte[0], ikm, new byte[0], 42)))
        .isEqualTo(
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  }

  @Test
  void hmacMatchesRfc4231TestCases1And2() {
    byte[] key1 = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    assertThat(HEX.formatHex(HmacSha256.mac(key1, ascii("Hi There"))))
        .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    assertThat(HEX.formatHex(HmacSha256.mac(ascii("Jefe"), ascii("what do ya want for nothing?"))))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void tagComparisonFindsADifferenceInAnyByte() {
    byte[] a = new byte[64];
    byte[] b = new byte[32];
    assertThat(HmacSha256.tagsEqual(a, 32, b, 0)).isTrue();
    for (int i = 0; i < 32; i++) {
      b[i] = 1;
      assertThat(HmacSha256.tagsEqual(a, 32, b, 0)).isFalse();
      b[i] = 0;
    }
  }

  @Test
  void chacha20MatchesRfc8439Section242() {
    byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    byte[] nonce = HEX.parseHex("000000000000004a00000000");
    byte[] data =
        ascii(
            "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the"
                + " future, sunscreen would be it.");
    new ChaCha20().xor(key, 0, nonce, 0, 1, data, 0, data.length);
    assertThat(HEX.formatHex(data))
        .isEqualTo(
            "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
                + "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
                + "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
                + "5af90bbf74a35be6b40b8eedf2785e42874d");
  }

  @Test
  void chacha20AgreesWithBouncyCastleAtEveryLength() {
    byte[] key = HEX.parseHex("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0");
    byte[] nonce = HEX.parseHex("000000000000000000000002");
    for (int length = 1; length < 600; length += 37) {
      byte[] ours = new byte[length];
      new ChaCha20().xor(key, nonce, ours, 0, length);
      byte[] theirs = new byte[length];
      ChaCha7539Engine engine = new ChaCha7539Engine();
      engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
      engine.processBytes(theirs, 0, length, theirs, 0);
      assertThat(ours).as("length %d", length).isEqualTo(theirs);
    }
  }

  @Test
  void x25519MatchesRfc7748ScalarMultiplicationVector() {
    for (X25519 x : new X25519[] {X25519.bouncyCastle(), X25519.bestAvailable()}) {
      byte[] out = new byte[32];
      assertThat(
              x.agree(
                  HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                  HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"),
                  out))
          .isTrue();
      assertThat(HEX.formatHex(out))
          .as(x.name())
          .isEqualTo("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
    }
  }

  @Test
  void x25519MatchesRfc7748DiffieHellmanVector() {
    byte[] alice = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    byte[] bob = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    for (X25519 x : new X25519[] {X25519.bouncyCastle(), X25519.bestAvailable()}) {
      assertThat(HEX.formatHex(x.publicKey(alice)))
          .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
      assertThat(HEX.formatHex(x.publicKey(bob)))
          .isEqualTo("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
      byte[] shared = new byte[32];
      assertThat(x.agree(alice, x.publicKey(bob), shared)).isTrue();
      assertThat(HEX.formatHex(shared))
          .isEqualTo("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    }
  }

  @Test
  void x25519RefusesLowOrderPoint() {
    byte[] scalar =
        HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    assertThat(X25519.bouncyCastle().agree(scalar, new byte[32], new byte[32])).isFalse();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
