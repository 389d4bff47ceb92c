package dev.betanet.router.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import dev.betanet.protocol.packet.KeyRing;
import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.NodeKeys;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 20, item 10: packet keys across reloads are reused, then destroyed one reload later. */
class PacketKeysTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private final NodeKeys first =
      NodeKeys.generate("r", Ed25519Keys.publicOf(Ed25519Keys.generatePrivate(RANDOM)), 1, RANDOM);
  private final PacketKeys keys = new PacketKeys(X25519.bouncyCastle());

  private static X25519PrivateKey key(KeyRing ring, long epoch) {
    return ring.entries().stream().filter(e -> e.epoch() == epoch).findFirst().orElseThrow().key();
  }

  @Test
  void aKeyThatLeavesTheRingIsDestroyedOneReloadLater() {
    X25519PrivateKey epoch1 = key(keys.ring(first), 1);
    NodeKeys rotated = first.rotate(2, 2, RANDOM);
    KeyRing overlap = keys.ring(rotated);
    assertThat(key(overlap, 1)).as("kept epochs reuse their key").isSameAs(epoch1);

    keys.ring(rotated.retireBefore(2)); // epoch 1 leaves the ring: a packet may still use it
    assertThat(epoch1.isDestroyed()).isFalse();
    X25519PrivateKey epoch2 = key(keys.ring(rotated.retireBefore(2)), 2);
    assertThat(epoch1.isDestroyed()).as("destroyed at the next reload").isTrue();
    assertThat(epoch2.isDestroyed()).isFalse();
  }

  @Test
  void aRingThatCannotBeBuiltLeavesTheKeysInForceAlive() {
    X25519PrivateKey epoch1 = key(keys.ring(first), 1);
    NodeKeys rotated = first.rotate(2, 2, RANDOM);
    keys.ring(rotated.retireBefore(2)); // epoch 1 retired, not yet destroyed
    var clashing =
        new NodeKeys(
            "r",
            first.operatorKey(),
            first.identityPrivate(),
            List.of(
                new NodeKeys.EpochKey(258, rotated.current().privateKey()),
                new NodeKeys.EpochKey(2, rotated.current().privateKey())));
    assertThatThrownBy(() -> keys.ring(clashing)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> keys.ring(clashing)).isInstanceOf(IllegalArgumentException.class);
    assertThat(epoch1.isDestroyed()).as("failed reloads destroy nothing").isFalse();
  }
}
