package dev.betanet.protocol.packet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.crypto.X25519;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacketRoundTripTest {

  static final long NOW = 1_790_000_000_000L;

  final PacketGeometry geometry = PacketGeometry.DEFAULT;
  final TestClock clock = new TestClock(NOW);
  final SecureRandom random = new SecureRandom();
  final PacketBuilder builder =
      new PacketBuilder(geometry, X25519.bouncyCastle(), random, clock, 10);
  final List<TestNode> nodes = new ArrayList<>();

  PacketRoundTripTest() {
    for (int i = 0; i < 5; i++) {
      nodes.add(new TestNode(geometry, random, 7, clock));
    }
  }

  List<PathHop> path(int... indexes) {
    List<PathHop> path = new ArrayList<>();
    for (int i : indexes) {
      path.add(nodes.get(i).hop(100 + i));
    }
    return path;
  }

  @Test
  void deliversMessageThroughThreeMixesAndExit() throws PacketException {
    byte[] message = "GET http://echo.fog/".getBytes(StandardCharsets.UTF_8);
    OutgoingPacket out = builder.forward(path(0, 1, 2, 3), message);
    assertThat(out.firstHop()).isEqualTo(nodes.get(0).ref);

    byte[] packet = out.packet();
    for (int i = 0; i < 3; i++) {
      ProcessResult result = nodes.get(i).processor.process(packet);
      assertThat(result).isInstanceOf(ProcessResult.Forward.class);
      ProcessResult.Forward forward = (ProcessResult.Forward) result;
      assertThat(forward.next()).isEqualTo(nodes.get(i + 1).ref);
      assertThat(forward.delayMillis()).isEqualTo(100 + i);
      assertThat(forward.packet()).hasSize(geometry.packetBytes());
      packet = forward.packet();
    }
    ProcessResult last = nodes.get(3).processor.process(packet);
    assertThat(last).isInstanceOf(ProcessResult.Deliver.class);
    assertThat(((ProcessResult.Deliver) last).message()).isEqualTo(message);
  }

  @Test
  void deliversOverEveryPathLength() throws PacketException {
    for (int hops = 1; hops <= geometry.maxHops(); hops++) {
      int[] indexes = new int[hops];
      for (int i = 0; i < hops; i++) {
        indexes[i] = i;
      }
      byte[] message = new byte[geometry.messageCapacity()];
      random.nextBytes(message);
      byte[] packet = builder.forward(path(indexes), message).packet();
      ProcessResult result = null;
      for (int i = 0; i < hops; i++) {
        result = nodes.get(i).processor.process(packet);
        if (result instanceof ProcessResult.Forward forward) {
          packet = forward.packet();
        }
      }
      assertThat(result).isInstanceOf(ProcessResult.Deliver.class);
      assertThat(((ProcessResult.Deliver) result).message()).isEqualTo(message);
    }
  }

  @Test
  void surbCarriesReplyBackToCreator() throws PacketException {
    // Reply path: mixes 0,1,2 then the creator's own router (node 4).
    SurbPair pair = builder.surb(path(0, 1, 2, 4));
    byte[] serialized = pair.surb().toBytes();
    assertThat(serialized).hasSize(Surb.serializedBytes(geometry));

    Surb atExit = Surb.fromBytes(geometry, serialized);
    byte[] reply = "HTTP/1.1 200 OK".getBytes(StandardCharsets.UTF_8);
    OutgoingPacket out = PacketBuilder.reply(geometry, atExit, reply);
    assertThat(out.firstHop()).isEqualTo(nodes.get(0).ref);

    byte[] packet = out.packet();
    for (int i = 0; i < 3; i++) {
      packet = ((ProcessResult.Forward) nodes.get(i).processor.process(packet)).packet();
    }
    ProcessResult result = nodes.get(4).processor.process(packet);
    assertThat(result).isInstanceOf(ProcessResult.ReplyDelivery.class);
    ProcessResult.ReplyDelivery delivery = (ProcessResult.ReplyDelivery) result;
    assertThat(delivery.surbId()).isEqualTo(pair.secrets().surbId());
    assertThat(pair.secrets().openReply(delivery.payload())).isEqualTo(reply);
  }

  @Test
  void packetsBuiltWithOneX25519ImplementationProcessWithAnother() throws PacketException {
    // Whatever bestAvailable() picks here (OpenSSL when it loads) must interoperate with the
    // Bouncy Castle processors: the implementation is a node-local choice.
    PacketBuilder best = new PacketBuilder(geometry, X25519.bestAvailable(), random, clock, 10);
    byte[] message = {1, 2, 3};
    byte[] packet = best.forward(path(0, 1), message).packet();
    packet = ((ProcessResult.Forward) nodes.get(0).processor.process(packet)).packet();
    assertThat(((ProcessResult.Deliver) nodes.get(1).processor.process(packet)).message())
        .isEqualTo(message);
  }
}
