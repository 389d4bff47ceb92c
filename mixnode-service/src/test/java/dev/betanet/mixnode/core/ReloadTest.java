package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.TopologySigner;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Topology and key changes apply live from rewritten files (as Kubernetes swaps mounted files); bad
 * files are refused and the node keeps its last good state.
 */
class ReloadTest {

  @Test
  void appliesANewerTopologyLiveAndRefusesBadOnes() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.startAll();
      Mixnode node = net.nodes.getFirst();
      try (var client = new TestClient(net, node.port())) {
        client.send(net.packet(0, "to-first-sink", 0));
        Eventually.await("the first sink got it", () -> net.sink.packets.size() == 1);

        // Epoch 2 moves the sink router (same identity) to another address.
        var secondSink = new TestSink(net.vertx, TestNet.PACKET_SIZE, net.sinkTls());
        net.epoch = 2;
        TestNet.replace(
            net.topologyFile(), net.signer.sign(net.topologyWithSinkAt(secondSink.port())));
        Eventually.await("epoch 2 applied", () -> node.state().topology().epoch() == 2);
        client.send(net.packet(0, "to-second-sink", 0));
        Eventually.await("the second sink got it", () -> secondSink.packets.size() == 1);
        assertThat(net.sink.packets).hasSize(1);

        // A document signed by someone else, and one that is not JSON: refused, counted.
        long rejectedBefore = node.rejectedUpdates();
        var stranger = new TopologySigner(Ed25519Keys.generatePrivate(TestNet.RANDOM));
        net.epoch = 3;
        TestNet.replace(net.topologyFile(), stranger.sign(net.topology()));
        Eventually.await(
            "forged topology refused", () -> node.rejectedUpdates() == rejectedBefore + 1);
        TestNet.replace(net.topologyFile(), "{not json".getBytes(StandardCharsets.UTF_8));
        Eventually.await("garbage refused", () -> node.rejectedUpdates() == rejectedBefore + 2);
        assertThat(node.state().topology().epoch()).isEqualTo(2);
        assertThat(node.isReady()).isTrue();
        client.send(net.packet(0, "still-second-sink", 0));
        Eventually.await("the last good routes still used", () -> secondSink.packets.size() == 2);
      }
    }
  }

  @Test
  void acceptsPacketsForOldAndNewKeysDuringARotation() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.startAll();
      Mixnode node = net.nodes.getFirst();
      var oldKey = net.keys.getFirst().current();
      NodeKeys loadedBeforeRotation = node.state().files().keys();

      // The operator rotates: a new key for epoch 2 in front, the old one kept for the overlap.
      net.keys.set(0, net.keys.getFirst().rotate(2, 2, TestNet.RANDOM));
      var newKey = net.keys.getFirst().current();
      net.epoch = 2;
      net.writeFiles();
      Eventually.await(
          "the rotated key ring applied", () -> node.state().files().keys().current().epoch() == 2);
      // The node's copy of the keys it no longer runs with is wiped, just after the new state is in
      // force (the links apply it first); public parts stay readable.
      Eventually.await("the keys it no longer runs with wiped", loadedBeforeRotation::isDestroyed);
      assertThatThrownBy(() -> loadedBeforeRotation.current().privateKey())
          .isInstanceOf(IllegalStateException.class);
      assertThat(loadedBeforeRotation.current().publicKey()).isEqualTo(oldKey.publicKey());

      try (var client = new TestClient(net, node.port())) {
        client.send(net.kit.build(net, 0, bytes("for-old-key"), oldKey, 0));
        client.send(net.kit.build(net, 0, bytes("for-new-key"), newKey, 0));
        Eventually.await("both at the sink", () -> net.sink.packets.size() == 2);
      }
      assertThat(net.payloadsAtSink()).containsExactlyInAnyOrder("for-old-key", "for-new-key");

      // Once the old key is retired, its packets are refused as unknown.
      net.keys.set(0, net.keys.getFirst().retireBefore(2));
      net.writeFiles();
      Eventually.await(
          "the old key retired", () -> node.state().files().keys().packetKeys().size() == 1);
      double unknownBefore = TestNet.count(node, PacketResult.UNKNOWN_KEY);
      try (var client = new TestClient(net, node.port())) {
        client.send(net.kit.build(net, 0, bytes("too-late"), oldKey, 0));
        Eventually.await(
            "refused for its retired key",
            () -> TestNet.count(node, PacketResult.UNKNOWN_KEY) == unknownBefore + 1);
        assertThat(net.sink.packets).hasSize(2);
        // The retirement dropped only the old key: the current one still carries packets.
        client.send(net.kit.build(net, 0, bytes("new-key-after-retirement"), newKey, 0));
        Eventually.await("the new key's packet at the sink", () -> net.sink.packets.size() == 3);
      }
      assertThat(net.payloadsAtSink())
          .containsExactlyInAnyOrder("for-old-key", "for-new-key", "new-key-after-retirement");
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
