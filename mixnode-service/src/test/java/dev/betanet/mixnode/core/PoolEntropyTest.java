package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.betanet.protocol.metrics.MetricNames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A real node exports what its delay pool hid, as docs/anonymity.md defines it. */
class PoolEntropyTest {

  @Test
  void eightPacketsHeldTogetherLeaveWithLog2OfEightFactorialOverEightBitsEach() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.meanDelayMillis = 1_000; // ceiling 13.8 s
      net.startAll();
      Mixnode node = net.nodes.getFirst();
      List<byte[]> packets = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        packets.add(net.packet(2_000 + i, "held-" + i, 0));
      }
      try (var client = new TestClient(net, node.port())) {
        for (byte[] packet : packets) {
          client.send(packet);
        }
        Eventually.await("all eight held at once", () -> node.delayPoolSize() == 8);
        Eventually.await("all eight forwarded", () -> net.sink.packets.size() == 8);
      }
      // They left one by one from pools of 8, 7, ..., 1: the mean of log2 k is log2(8!) / 8.
      double expected = Math.log(40_320) / Math.log(2) / 8; // 1.9124 bits
      assertThat(node.metrics().gaugeValue(MetricNames.MIXNODE_DEPARTURE_ENTROPY_BITS))
          .isCloseTo(expected, within(1e-9));
      assertThat(node.metrics().gaugeValue(MetricNames.MIXNODE_POOL_MEAN_PACKETS)).isPositive();
    }
  }
}
