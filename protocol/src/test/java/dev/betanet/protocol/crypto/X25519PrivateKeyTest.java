package dev.betanet.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class X25519PrivateKeyTest {

  @Test
  void agreesWithThePeerAndThenRefusesOnceDestroyed() {
    SecureRandom random = new SecureRandom();
    X25519PrivateKey a = X25519PrivateKey.generate(random);
    X25519PrivateKey b = X25519PrivateKey.generate(random);
    byte[] ab = new byte[32];
    byte[] ba = new byte[32];
    assertThat(a.agree(X25519.bouncyCastle(), b.publicKey(), ab)).isTrue();
    assertThat(b.agree(X25519.bestAvailable(), a.publicKey(), ba)).isTrue();
    assertThat(ab).isEqualTo(ba);

    a.destroy();
    assertThat(a.isDestroyed()).isTrue();
    assertThatThrownBy(() -> a.agree(X25519.bouncyCastle(), b.publicKey(), ab))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void copiesTheScalarSoTheCallerMayWipeIt() {
    byte[] scalar = new byte[32];
    scalar[0] = 9;
    X25519PrivateKey key = X25519PrivateKey.of(scalar);
    byte[] expected = X25519.bouncyCastle().publicKey(scalar);
    scalar[0] = 0;
    assertThat(key.publicKey()).isEqualTo(expected);
    assertThat(key.toString()).doesNotContain("09000000");
  }

  @Test
  void namedPicksTheImplementationAndRejectsUnknownNames() {
    assertThat(X25519.named("bouncycastle").name()).isEqualTo("bouncycastle");
    assertThat(X25519.named("best").name()).isIn("bouncycastle", "openssl");
    assertThatThrownBy(() -> X25519.named("fast")).isInstanceOf(IllegalArgumentException.class);
  }
}
