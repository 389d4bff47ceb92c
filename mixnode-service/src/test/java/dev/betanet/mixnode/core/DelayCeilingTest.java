package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.mixing.ExponentialDelay;
import dev.betanet.protocol.replay.ReplayWindow;
import org.junit.jupiter.api.Test;

/**
 * The per-hop delay is the sender's to choose (0..2^32-1 ms in the routing slot); the node holds a
 * packet only as long as the topology's mixing mean makes plausible, so a sender cannot fill the
 * bounded delay pool with packets parked for weeks.
 */
class DelayCeilingTest {

  @Test
  void aSenderCannotParkPacketsInTheDelayPoolForDays() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.meanDelayMillis = 100;
      net.startAll();
      Mixnode node = net.nodes.getFirst();
      long ceiling = ExponentialDelay.ceilingMillis(100, ReplayWindow.DEFAULT);
      assertThat(ceiling).isEqualTo(1_382);
      assertThat(node.state().maxHopDelayMillis()).isEqualTo(ceiling);
      double refusedBefore = TestNet.count(node, PacketResult.DELAY_TOO_LONG);
      try (var client = new TestClient(net, node.port())) {
        client.send(net.packet(0xFFFF_FFFFL, "parked-for-49-days", 0));
        client.send(net.packet(ceiling + 1, "just-over", 0));
        Eventually.await(
            "both refused for their delay",
            () -> TestNet.count(node, PacketResult.DELAY_TOO_LONG) == refusedBefore + 2);
        assertThat(node.delayPoolSize()).isZero();

        // An honest draw at the ceiling is still held and forwarded.
        client.send(net.packet(ceiling, "at-the-ceiling", 0));
        Eventually.await("held", () -> node.delayPoolSize() == 1);
        Eventually.await("forwarded once due", () -> net.sink.packets.size() == 1);
      }
      assertThat(net.payloadsAtSink()).containsExactly("at-the-ceiling");
      assertThat(TestNet.count(node, PacketResult.DELAY_TOO_LONG)).isEqualTo(refusedBefore + 2);
    }
  }
}
