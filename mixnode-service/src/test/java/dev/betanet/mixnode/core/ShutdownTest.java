package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Shutdown stops accepting, forwards what falls due within the drain time, counts the rest. */
class ShutdownTest {

  @Test
  void forwardsPacketsDueWithinTheDrainTimeAndCountsTheRest() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.meanDelayMillis = 5_000; // a 60 s hold is under the ceiling (69 s)
      net.startAll(); // drain time 2 s
      Mixnode node = net.nodes.getFirst();
      double droppedBefore = TestNet.count(node, PacketResult.DROPPED_SHUTDOWN);
      try (var client = new TestClient(net, node.port())) {
        for (int i = 0; i < 5; i++) {
          client.send(net.packet(300, "soon-" + i, 0));
          client.send(net.packet(60_000, "much-later-" + i, 0));
        }
        Eventually.await("ten packets held", () -> node.delayPoolSize() == 10);
      }
      node.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

      assertThat(net.payloadsAtSink())
          .containsExactlyInAnyOrder("soon-0", "soon-1", "soon-2", "soon-3", "soon-4");
      assertThat(TestNet.count(node, PacketResult.DROPPED_SHUTDOWN)).isEqualTo(droppedBefore + 5);
      assertThat(node.isReady()).isFalse();
      net.nodes.clear(); // stopped already
    }
  }
}
