package dev.betanet.protocol.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import dev.betanet.protocol.packet.PacketException.Kind;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each test breaks one property the format promises and checks that it is caught. */
class PacketSecurityTest {

  static final long NOW = 1_790_000_000_000L;

  final PacketGeometry geometry = PacketGeometry.DEFAULT;
  final TestClock clock = new TestClock(NOW);
  final SecureRandom random = new SecureRandom();
  final PacketBuilder builder =
      new PacketBuilder(geometry, X25519.bouncyCastle(), random, clock, 10);
  final List<TestNode> nodes = new ArrayList<>();
  final byte[] message = "a message through the mixnet".getBytes();

  PacketSecurityTest() {
    for (int i = 0; i < 4; i++) {
      nodes.add(new TestNode(geometry, random, 7, clock));
    }
  }

  List<PathHop> fullPath() {
    List<PathHop> path = new ArrayList<>();
    for (TestNode node : nodes) {
      path.add(node.hop(20));
    }
    return path;
  }

  byte[] freshPacket() {
    return builder.forward(fullPath(), message).packet();
  }

  static Kind kindOf(TestNode node, byte[] packet) {
    PacketException e =
        catchThrowableOfType(PacketException.class, () -> node.processor.process(packet));
    assertThat(e).as("expected the packet to be refused").isNotNull();
    return e.kind();
  }

  @Test
  void rejectsWrongLengthWithContext() {
    PacketException e =
        catchThrowableOfType(
            PacketException.class, () -> nodes.get(0).processor.process(new byte[1999]));
    assertThat(e.kind()).isEqualTo(Kind.INVALID_LENGTH);
    assertThat(e).hasMessageContaining("got 1999 bytes, expected 2048");
    assertThat(kindOf(nodes.get(0), new byte[2049])).isEqualTo(Kind.INVALID_LENGTH);
  }

  @Test
  void rejectsUnknownVersion() {
    byte[] packet = freshPacket();
    packet[0] = 2;
    assertThat(kindOf(nodes.get(0), packet)).isEqualTo(Kind.UNKNOWN_VERSION);
  }

  @Test
  void rejectsGarbage() {
    byte[] packet = new byte[geometry.packetBytes()];
    new Random(1).nextBytes(packet);
    packet[0] = PacketGeometry.VERSION;
    packet[1] = (byte) KeyRing.keyId(7);
    assertThat(kindOf(nodes.get(0), packet)).isEqualTo(Kind.INVALID_MAC);
  }

  @Test
  void rejectsLowOrderEphemeralKey() {
    byte[] packet = freshPacket();
    java.util.Arrays.fill(
        packet, PacketGeometry.EPHEMERAL_KEY_OFFSET, PacketGeometry.MAC_OFFSET, (byte) 0);
    assertThat(kindOf(nodes.get(0), packet)).isEqualTo(Kind.INVALID_KEY);
  }

  @Test
  void rejectsFlippedMacBit() {
    byte[] packet = freshPacket();
    packet[PacketGeometry.MAC_OFFSET + 5] ^= 0x10;
    assertThat(kindOf(nodes.get(0), packet)).isEqualTo(Kind.INVALID_MAC);
  }

  @Test
  void rejectsFlippedBitAnywhereInHeader() {
    byte[] original = freshPacket();
    for (int i = 0; i < geometry.headerBytes(); i++) {
      byte[] packet = original.clone();
      packet[i] ^= (byte) (1 << (i % 8));
      Kind kind = kindOf(nodes.get(0), packet);
      // The version and key id bytes are checked before the MAC; every other byte by the MAC
      // (the ephemeral key through the shared secret, which keys the MAC).
      Kind expected =
          switch (i) {
            case PacketGeometry.VERSION_OFFSET -> Kind.UNKNOWN_VERSION;
            case PacketGeometry.KEY_ID_OFFSET -> Kind.UNKNOWN_KEY;
            default -> Kind.INVALID_MAC;
          };
      assertThat(kind).as("flipped byte %d", i).isEqualTo(expected);
    }
  }

  @Test
  void flippedPayloadBitAnywhereDestroysTheMessage() throws PacketException {
    for (int i = geometry.headerBytes(); i < geometry.packetBytes(); i += 97) {
      byte[] packet = builder.forward(fullPath(), message).packet();
      packet[i] ^= (byte) (1 << (i % 8));
      for (int hop = 0; hop < 3; hop++) {
        packet = ((ProcessResult.Forward) nodes.get(hop).processor.process(packet)).packet();
      }
      assertThat(kindOf(nodes.get(3), packet))
          .as("flipped byte %d", i)
          .isEqualTo(Kind.INVALID_PAYLOAD);
    }
  }

  @Test
  void payloadTamperedAtAMiddleHopIsDetectedAtTheExit() throws PacketException {
    byte[] packet = freshPacket();
    packet = ((ProcessResult.Forward) nodes.get(0).processor.process(packet)).packet();
    packet[geometry.packetBytes() - 1] ^= 1; // a tagging attack by hop 1 on the payload
    for (int hop = 1; hop < 3; hop++) {
      packet = ((ProcessResult.Forward) nodes.get(hop).processor.process(packet)).packet();
    }
    assertThat(kindOf(nodes.get(3), packet)).isEqualTo(Kind.INVALID_PAYLOAD);
  }

  @Test
  void rejectsReplay() throws PacketException {
    byte[] packet = freshPacket();
    byte[] copy = packet.clone();
    nodes.get(0).processor.process(packet);
    assertThat(kindOf(nodes.get(0), copy)).isEqualTo(Kind.REPLAY);
  }

  @Test
  void rejectsPacketProcessedByTheWrongNode() {
    // Node 1 holds a key of the same epoch, so the key id matches; the MAC cannot.
    assertThat(kindOf(nodes.get(1), freshPacket())).isEqualTo(Kind.INVALID_MAC);
  }

  @Test
  void rejectsExpiredAndFutureTimestamps() {
    byte[] old = freshPacket();
    clock.advance(ReplayWindowDefaults.MAX_AGE_MILLIS + 10_001);
    assertThat(kindOf(nodes.get(0), old)).isEqualTo(Kind.EXPIRED);

    TestClock ahead = new TestClock(clock.millis() + 60_000);
    PacketBuilder fast = new PacketBuilder(geometry, X25519.bouncyCastle(), random, ahead, 1);
    byte[] future = fast.forward(fullPath(), message).packet();
    assertThat(kindOf(nodes.get(0), future)).isEqualTo(Kind.EXPIRED);
  }

  @Test
  void rejectsKeyIdTheNodeDoesNotHold() {
    List<PathHop> path = fullPath();
    PathHop first = path.getFirst();
    path.set(0, new PathHop(first.node(), first.publicKey(), 8, 20));
    byte[] packet = builder.forward(path, message).packet();
    PacketException e =
        catchThrowableOfType(PacketException.class, () -> nodes.get(0).processor.process(packet));
    assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_KEY);
    assertThat(e).hasMessageContaining("no key with id 8").hasMessageContaining("epoch 7");
  }

  @Test
  void acceptsBothKeysDuringRotationOverlapAndRefusesRetiredKey() throws PacketException {
    TestNode node = nodes.get(0);
    X25519PrivateKey next = X25519PrivateKey.generate(random);
    KeyRing overlap =
        KeyRing.of(List.of(new KeyRing.Entry(7, node.key), new KeyRing.Entry(8, next)));
    PacketProcessor during =
        new PacketProcessor(geometry, overlap, node.filter, X25519.bouncyCastle());
    List<PathHop> oldPath = fullPath();
    List<PathHop> newPath = fullPath();
    newPath.set(0, new PathHop(node.ref, next.publicKey(), 8, 20));

    assertThat(during.process(builder.forward(oldPath, message).packet()))
        .isInstanceOf(ProcessResult.Forward.class);
    assertThat(during.process(builder.forward(newPath, message).packet()))
        .isInstanceOf(ProcessResult.Forward.class);

    PacketProcessor after =
        new PacketProcessor(geometry, KeyRing.of(8, next), node.filter, X25519.bouncyCastle());
    byte[] late = builder.forward(oldPath, message).packet();
    assertThatThrownBy(() -> after.process(late))
        .isInstanceOfSatisfying(
            PacketException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_KEY));
  }

  @Test
  void keyRingRefusesTwoEpochsWithOneKeyId() {
    X25519PrivateKey key = X25519PrivateKey.generate(random);
    assertThatThrownBy(
            () -> KeyRing.of(List.of(new KeyRing.Entry(3, key), new KeyRing.Entry(259, key))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("share key id 3");
  }

  @Test
  void everyHopSeesTheSamePacketLength() throws PacketException {
    byte[] packet = freshPacket();
    for (int hop = 0; hop < 3; hop++) {
      assertThat(packet).hasSize(geometry.packetBytes());
      packet = ((ProcessResult.Forward) nodes.get(hop).processor.process(packet)).packet();
    }
    assertThat(packet).hasSize(geometry.packetBytes());
  }

  @Test
  void inputAndOutputShareNoByteRunLongerThanChance() throws PacketException {
    // Two random 2 KiB strings share a common run of about log_256(2048^2) ~ 3 bytes; the
    // version and key-id bytes legitimately match too (2 bytes). More than 6 would mean a field
    // passes through a hop unchanged and links input to output.
    byte[] packet = freshPacket();
    for (int hop = 0; hop < 3; hop++) {
      byte[] input = packet.clone();
      packet = ((ProcessResult.Forward) nodes.get(hop).processor.process(packet)).packet();
      assertThat(longestCommonRun(input, packet)).as("hop %d", hop).isLessThanOrEqualTo(6);
    }
  }

  @Test
  void replyPacketsAreProcessedLikeForwardPackets() throws PacketException {
    SurbPair pair = builder.surb(fullPath());
    byte[] packet = PacketBuilder.reply(geometry, pair.surb(), message).packet();
    for (int hop = 0; hop < 3; hop++) {
      ProcessResult result = nodes.get(hop).processor.process(packet);
      assertThat(result).isInstanceOf(ProcessResult.Forward.class);
      packet = ((ProcessResult.Forward) result).packet();
    }
    ProcessResult.ReplyDelivery delivery =
        (ProcessResult.ReplyDelivery) nodes.get(3).processor.process(packet);
    assertThat(pair.secrets().openReply(delivery.payload())).isEqualTo(message);
  }

  @Test
  void surbIsSingleUse() throws PacketException {
    SurbPair pair = builder.surb(fullPath());
    byte[] first = PacketBuilder.reply(geometry, pair.surb(), message).packet();
    byte[] second = PacketBuilder.reply(geometry, pair.surb(), "another".getBytes()).packet();
    nodes.get(0).processor.process(first);
    assertThat(kindOf(nodes.get(0), second)).isEqualTo(Kind.REPLAY);
  }

  @Test
  void tamperedReplyIsRefusedAndSecretsAreSingleUse() throws PacketException {
    SurbPair pair = builder.surb(fullPath());
    byte[] packet = PacketBuilder.reply(geometry, pair.surb(), message).packet();
    for (int hop = 0; hop < 3; hop++) {
      packet = ((ProcessResult.Forward) nodes.get(hop).processor.process(packet)).packet();
    }
    byte[] payload =
        ((ProcessResult.ReplyDelivery) nodes.get(3).processor.process(packet)).payload();
    byte[] tampered = payload.clone();
    tampered[100] ^= 4;
    assertThatThrownBy(() -> pair.secrets().openReply(tampered))
        .isInstanceOfSatisfying(
            PacketException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_PAYLOAD));
    assertThat(pair.secrets().openReply(payload)).isEqualTo(message);
    assertThatThrownBy(() -> pair.secrets().openReply(payload))
        .isInstanceOfSatisfying(
            PacketException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_SURB));
    assertThat(pair.secrets().isDestroyed()).isTrue();
  }

  @Test
  void rejectsMalformedSerializedSurb() {
    SurbPair pair = builder.surb(fullPath());
    byte[] bytes = pair.surb().toBytes();
    byte[] shortened = java.util.Arrays.copyOf(bytes, bytes.length - 1);
    assertThatThrownBy(() -> Surb.fromBytes(geometry, shortened))
        .isInstanceOfSatisfying(
            PacketException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_SURB));
    bytes[0] = 9;
    assertThatThrownBy(() -> Surb.fromBytes(geometry, bytes))
        .isInstanceOfSatisfying(
            PacketException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_SURB));
  }

  @Test
  void builderRefusesOversizedMessagesAndPaths() {
    assertThatThrownBy(() -> builder.forward(fullPath(), new byte[geometry.messageCapacity() + 1]))
        .isInstanceOf(IllegalArgumentException.class);
    List<PathHop> tooLong = new ArrayList<>(fullPath());
    tooLong.addAll(fullPath());
    assertThatThrownBy(() -> builder.forward(tooLong, message))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 8");
  }

  static int longestCommonRun(byte[] a, byte[] b) {
    int best = 0;
    int[] previous = new int[b.length + 1];
    int[] current = new int[b.length + 1];
    for (int i = 1; i <= a.length; i++) {
      for (int j = 1; j <= b.length; j++) {
        current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : 0;
        best = Math.max(best, current[j]);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return best;
  }
}
