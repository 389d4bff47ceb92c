package dev.betanet.protocol.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class FogNameTest {

  private static final Key32 ZERO_KEY = Key32.of(new byte[32]);

  @Test
  void isOneDnsLabelOf56Base32CharactersPlusFog() {
    Key32 key = Ed25519Keys.publicOf(Ed25519Keys.generatePrivate(new SecureRandom()));
    String name = FogName.of(key);
    assertThat(name).matches("[a-z2-7]{56}\\.fog");
  }

  @Test
  void encodesKeyChecksumAndVersionLikeOnionV3() {
    // 51 chars carry the first 255 key bits (all zero: 'a'); the 56th char is the low 5 bits of
    // the version byte 0x03, which is 'd' in the base32 alphabet.
    String name = FogName.of(ZERO_KEY);
    assertThat(name).startsWith("a".repeat(51));
    assertThat(name.substring(0, 56)).endsWith("d");
  }

  @Test
  void roundTripsToTheSameKey() {
    Key32 key = Ed25519Keys.publicOf(Ed25519Keys.generatePrivate(new SecureRandom()));
    assertThat(FogName.publicKeyOf(FogName.of(key))).isEqualTo(key);
    assertThat(FogName.publicKeyOf(FogName.of(key).toUpperCase(java.util.Locale.ROOT)))
        .isEqualTo(key);
  }

  @Test
  void matchesAVectorComputedOutsideJava() {
    // Python: base64.b32encode(k + sha3_256(b".fog checksum" + k + b"\\x03")[:2] + b"\\x03"),
    // lower-cased, for k = bytes(range(32)).
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) i;
    }
    String expected = "aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dyp7pnyd.fog";
    assertThat(FogName.of(Key32.of(key))).isEqualTo(expected);
    assertThat(FogName.publicKeyOf(expected)).isEqualTo(Key32.of(key));
  }

  @Test
  void rejectsATypo() {
    String name = FogName.of(ZERO_KEY);
    String typo = "b" + name.substring(1);
    assertThatThrownBy(() -> FogName.publicKeyOf(typo))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void rejectsWrongLengthAlphabetAndSuffix() {
    assertThatThrownBy(() -> FogName.publicKeyOf("echo.fog"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FogName.publicKeyOf("1".repeat(56) + ".fog"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a-z and 2-7");
    assertThatThrownBy(() -> FogName.publicKeyOf(FogName.of(ZERO_KEY).replace(".fog", ".onion")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void isAcceptedAsAFogNameByTheTopologyRules() {
    assertThat(FogName.of(ZERO_KEY)).matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.fog");
  }
}
