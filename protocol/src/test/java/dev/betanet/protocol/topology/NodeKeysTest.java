package dev.betanet.protocol.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class NodeKeysTest {

  private final SecureRandom random = new SecureRandom();
  private final Key32 operator = Key32.of(new byte[32]);

  @Test
  void destroyZeroesTheIdentityAndEveryPacketKeyAndRefusesThemAfterwards() throws Exception {
    NodeKeys keys = NodeKeys.generate("mix-0", operator, 1, random).rotate(2, 2, random);
    Key32 identity = keys.identityPublic();
    Key32 packetPublic = keys.current().publicKey();

    keys.destroy();

    assertThat(keys.isDestroyed()).isTrue();
    assertThat(privateBytes(keys, "identityPrivate")).containsOnly(0);
    for (NodeKeys.EpochKey key : keys.packetKeys()) {
      assertThat(key.isDestroyed()).isTrue();
      assertThat(privateBytes(key, "privateKey")).containsOnly(0);
      assertThatThrownBy(key::privateKey).isInstanceOf(IllegalStateException.class);
    }
    assertThatThrownBy(keys::identityPrivate).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> keys.rotate(3, 2, random)).isInstanceOf(IllegalStateException.class);
    // Public parts stay: a destroyed holder can still be named in logs and readiness.
    assertThat(keys.identityPublic()).isEqualTo(identity);
    assertThat(keys.current().publicKey()).isEqualTo(packetPublic);
  }

  @Test
  void destroyingKeysLeavesTheKeysRotatedFromThemIntact() {
    NodeKeys before = NodeKeys.generate("mix-0", operator, 1, random);
    byte[] scalar = before.current().privateKey();
    NodeKeys after = before.rotate(2, 2, random);

    before.destroy();

    assertThat(after.isDestroyed()).isFalse();
    assertThat(after.packetKeys().get(1).privateKey()).isEqualTo(scalar);
    assertThat(after.identityPrivate()).hasSize(32).isNotEqualTo(new byte[32]);
  }

  private static byte[] privateBytes(Object holder, String field) throws Exception {
    Field f = holder.getClass().getDeclaredField(field);
    f.setAccessible(true);
    return (byte[]) f.get(holder);
  }
}
