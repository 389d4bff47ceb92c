package dev.betanet.protocol.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PacketGeometryTest {

  @Test
  void defaultGeometryHasTheDocumentedLengths() {
    PacketGeometry g = PacketGeometry.DEFAULT;
    // Re-derived by hand from docs/protocol.md, not from the class's own formulas.
    int slot = 1 + 4 + 4 + 16 + 1 + 32 + 32;
    assertThat(PacketGeometry.SLOT_BYTES).isEqualTo(slot).isEqualTo(90);
    assertThat(g.routingBytes()).isEqualTo(5 * 90);
    assertThat(g.headerBytes()).isEqualTo(1 + 1 + 32 + 32 + 450).isEqualTo(516);
    assertThat(g.payloadBytes()).isEqualTo(2048 - 516).isEqualTo(1532);
    assertThat(g.messageCapacity()).isEqualTo(1532 - 16 - 2).isEqualTo(1514);
    assertThat(PacketGeometry.ROUTING_OFFSET).isEqualTo(66);
    assertThat(Surb.serializedBytes(g)).isEqualTo(1 + 16 + 128 + 516);
  }

  @Test
  void otherGeometriesScale() {
    PacketGeometry small = new PacketGeometry(1024, 3);
    assertThat(small.headerBytes()).isEqualTo(66 + 270);
    assertThat(small.payloadBytes()).isEqualTo(1024 - 336);
  }

  @Test
  void rejectsGeometriesWithoutRoomForAMessage() {
    assertThatThrownBy(() -> new PacketGeometry(540, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no room");
    assertThatThrownBy(() -> new PacketGeometry(2048, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PacketGeometry(100_000, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nodeRefIsTheFirstSixteenBytesOfSha256OfTheIdentity() throws Exception {
    byte[] identity = new byte[32];
    identity[31] = 1;
    byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(identity);
    assertThat(NodeRef.ofIdentity(identity).bytes()).isEqualTo(java.util.Arrays.copyOf(digest, 16));
    assertThatThrownBy(() -> NodeRef.ofIdentity(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
