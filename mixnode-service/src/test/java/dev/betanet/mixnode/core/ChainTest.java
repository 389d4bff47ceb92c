package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Packets cross three real mixnodes on loopback and reach a real sink intact. */
class ChainTest {

  @Test
  void packetsThroughThreeMixnodesReachTheSinkIntact() throws Exception {
    try (var net = new TestNet(3, Kits.create())) {
      net.meanDelayMillis = 5; // delays up to 70 ms per hop are plausible
      net.startAll();
      double[] forwardedBefore = new double[net.nodes.size()];
      for (int i = 0; i < forwardedBefore.length; i++) {
        forwardedBefore[i] = TestNet.count(net.nodes.get(i), PacketResult.FORWARDED);
      }
      long processedBefore = net.nodes.get(0).metrics().processingCount();
      List<String> sent = new ArrayList<>();
      try (var client = new TestClient(net, net.nodes.get(0).port())) {
        for (int i = 0; i < 60; i++) {
          String payload = "payload-" + i;
          sent.add(payload);
          // delays 0..9 ms per hop: both the direct path and the delay pool
          client.send(net.packet(i % 10, payload, 0, 1, 2));
        }
      }
      Eventually.await("60 packets at the sink", () -> net.sink.packets.size() >= 60);
      assertThat(net.payloadsAtSink()).containsExactlyInAnyOrderElementsOf(sent);
      for (int i = 0; i < net.nodes.size(); i++) {
        Mixnode node = net.nodes.get(i);
        assertThat(TestNet.count(node, PacketResult.FORWARDED)).isEqualTo(forwardedBefore[i] + 60);
        assertThat(node.isReady()).isTrue();
        assertThat(node.isLive()).isTrue();
      }
      assertThat(net.nodes.get(0).metrics().processingCount()).isEqualTo(processedBefore + 60);
    }
  }
}
