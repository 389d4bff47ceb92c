package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/**
 * Replays, forgeries and framing violations are dropped and counted; forged and replayed packets
 * leave their connection open, a bad frame closes only its own, and the node stays healthy.
 */
class RejectionTest {

  @Test
  void dropsAReplayAndKeepsServingTheConnection() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.startAll();
      Mixnode node = net.nodes.getFirst();
      double replayedBefore = TestNet.count(node, PacketResult.REPLAYED);
      byte[] packet = net.packet(0, "once", 0);
      try (var client = new TestClient(net, node.port())) {
        client.send(packet);
        client.send(packet.clone());
        Eventually.await(
            "the replay counted",
            () -> TestNet.count(node, PacketResult.REPLAYED) == replayedBefore + 1);
        client.send(net.packet(0, "after", 0));
        Eventually.await("two packets at the sink", () -> net.sink.packets.size() == 2);
        assertThat(client.closed).isFalse();
      }
      assertThat(net.payloadsAtSink()).containsExactlyInAnyOrder("once", "after");
      assertThat(node.isReady()).isTrue();
    }
  }

  @Test
  void dropsForgedHeadersAndKeepsServingTheConnection() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.startAll();
      Mixnode node = net.nodes.getFirst();
      double invalidBefore = TestNet.count(node, PacketResult.INVALID);
      double forwardedBefore = TestNet.count(node, PacketResult.FORWARDED);
      byte[] forgedMac = net.packet(0, "forged", 0);
      forgedMac[40] ^= 0x01; // inside the header MAC
      byte[] forgedRouting = net.packet(0, "forged", 0);
      forgedRouting[200] ^= 0x80; // inside the encrypted routing information
      // The payload is not checked per hop (Sphinx): a flipped payload bit travels on and
      // destroys the whole payload, which the exit then refuses.
      byte[] forgedPayload = net.packet(0, "forged", 0);
      forgedPayload[forgedPayload.length - 10] ^= 0x01;
      try (var client = new TestClient(net, node.port())) {
        client.send(forgedMac);
        client.send(forgedRouting);
        client.send(forgedPayload);
        client.send(net.packet(0, "genuine", 0));
        Eventually.await(
            "two forged headers counted",
            () -> TestNet.count(node, PacketResult.INVALID) == invalidBefore + 2);
        Eventually.await("two packets at the sink", () -> net.sink.packets.size() == 2);
        assertThat(client.closed).isFalse();
      }
      assertThat(net.payloadsAtSink()).containsExactlyInAnyOrder("genuine", null);
      assertThat(TestNet.count(node, PacketResult.FORWARDED)).isEqualTo(forwardedBefore + 2);
      assertThat(node.isReady()).isTrue();
    }
  }

  @Test
  void closesOnlyTheConnectionThatSentAFrameOfTheWrongLength() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.startAll();
      Mixnode node = net.nodes.getFirst();
      double malformedBefore = TestNet.count(node, PacketResult.MALFORMED);
      try (var bad = new TestClient(net, node.port());
          var huge = new TestClient(net, node.port());
          var good = new TestClient(net, node.port())) {
        bad.sendRaw(Buffer.buffer().appendInt(TestNet.PACKET_SIZE - 1).appendBytes(new byte[64]));
        // A length far beyond any packet: refused from the header alone, nothing buffered.
        huge.sendRaw(Buffer.buffer().appendInt(Integer.MAX_VALUE).appendBytes(new byte[16]));
        Eventually.await("both closed", () -> bad.closed.get() && huge.closed.get());
        assertThat(TestNet.count(node, PacketResult.MALFORMED)).isEqualTo(malformedBefore + 2);
        good.send(net.packet(0, "still flowing", 0));
        Eventually.await("the good packet at the sink", () -> net.sink.packets.size() == 1);
        assertThat(good.closed).isFalse();
      }
      assertThat(node.isReady()).isTrue();
      assertThat(node.isLive()).isTrue();
    }
  }
}
