package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.metrics.MetricNames;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A next hop that is down fills only its own bounded queue; traffic to others keeps moving. The
 * node's next-hop queues together are bounded in bytes as well.
 */
class NextHopDownTest {

  @Test
  void aDeadNextHopDoesNotBlockOtherTrafficAndIsReachedOnceItComesUp() throws Exception {
    try (var net = new TestNet(3, Kits.create())) {
      Socket deadHop = lastLayerWithNode1Down(net);
      Mixnode node = net.start(0, net.settings(0));
      int queueBound = net.settings(0).nextHopQueue();
      int toDeadHop = queueBound + 100;
      double unreachableBefore = TestNet.count(node, PacketResult.DROPPED_UNREACHABLE);
      try (var client = new TestClient(net, node.port())) {
        int direct = sendViaBoth(net, client, toDeadHop);
        Eventually.await(
            "every direct packet at the sink",
            Duration.ofSeconds(15),
            () -> net.sink.packets.size() == direct);
        Eventually.await(
            "overflow of the dead hop's queue counted",
            () ->
                TestNet.count(node, PacketResult.DROPPED_UNREACHABLE)
                    == unreachableBefore + toDeadHop - queueBound);

        // Node 1 comes up: the link reconnects (with backoff) and delivers what it queued.
        bringUpNode1(net, deadHop);
        Eventually.await(
            "the queued packets delivered through node 1",
            Duration.ofSeconds(15),
            () -> net.sink.packets.size() == direct + queueBound);
      }
      assertThat(net.payloadsAtSink()).doesNotContainNull();
    }
  }

  @Test
  void theNextHopQueuesTogetherStopAtTheirMemoryBoundAndALiveHopStillMoves() throws Exception {
    try (var net = new TestNet(3, Kits.create())) {
      Socket deadHop = lastLayerWithNode1Down(net);
      // Room for 100 packets in all next-hop queues, far under the dead hop's own bound of 256.
      int packetBytes = net.packet(0, "size", 0, 1).length;
      int room = 100;
      MixnodeSettings settings = net.settings(0).withNextHopBytes((long) room * packetBytes);
      assertThat(settings.nextHopQueue()).isGreaterThan(room);
      Mixnode node = net.start(0, settings);
      int toDeadHop = 300;
      double overloadBefore = TestNet.count(node, PacketResult.DROPPED_OVERLOAD);
      double unreachableBefore = TestNet.count(node, PacketResult.DROPPED_UNREACHABLE);
      try (var client = new TestClient(net, node.port())) {
        int direct = sendViaBoth(net, client, toDeadHop);
        // The live hop's queue holds less than a write, so it takes its packets however full the
        // memory is: every one arrives.
        Eventually.await(
            "every direct packet at the sink",
            Duration.ofSeconds(15),
            () -> net.sink.packets.size() == direct);
        Eventually.await(
            "the dead hop's packets beyond the memory bound counted",
            () ->
                TestNet.count(node, PacketResult.DROPPED_UNREACHABLE)
                    == unreachableBefore + toDeadHop - room);
        assertThat(TestNet.count(node, PacketResult.DROPPED_OVERLOAD)).isEqualTo(overloadBefore);
        assertThat(node.metrics().gaugeValue(MetricNames.MIXNODE_NEXT_HOP_QUEUE_BYTES))
            .isEqualTo((double) room * packetBytes);

        bringUpNode1(net, deadHop);
        Eventually.await(
            "the packets that fitted delivered through node 1",
            Duration.ofSeconds(15),
            () -> net.sink.packets.size() == direct + room);
        Eventually.await(
            "the written packets' memory given back",
            () -> node.metrics().gaugeValue(MetricNames.MIXNODE_NEXT_HOP_QUEUE_BYTES) == 0);
      }
      assertThat(net.payloadsAtSink()).doesNotContainNull();
    }
  }

  /**
   * Nodes 1 and 2 make up the last layer: node 0 forwards to either (a router accepts packets from
   * the last layer only, so the other traffic takes node 2, not a shortcut to the sink). Node 2
   * runs; node 1 is in the topology but not running, so node 0's link to it cannot connect. Its
   * port is held by the returned socket, bound but not listening, so connecting is refused and
   * never lands on anything else (on loopback a connect to a free ephemeral port can even reach
   * itself).
   */
  private static Socket lastLayerWithNode1Down(TestNet net) throws Exception {
    net.layerOf.put(2, 1);
    net.writeFiles();
    net.start(2, net.settings(2));
    Socket deadHop = new Socket();
    deadHop.bind(new InetSocketAddress("127.0.0.1", net.ports.get(1)));
    return deadHop;
  }

  /** Sends {@code n} packets via node 1 and, after every 20th, one via node 2; returns those. */
  private static int sendViaBoth(TestNet net, TestClient client, int n) throws Exception {
    int direct = 0;
    for (int i = 0; i < n; i++) {
      client.send(net.packet(0, "via-1-" + i, 0, 1));
      if (i % 20 == 0) {
        client.send(net.packet(0, "direct-" + i, 0, 2));
        direct++;
      }
    }
    return direct;
  }

  private static void bringUpNode1(TestNet net, Socket deadHop) throws Exception {
    deadHop.close();
    net.start(1, net.settings(1));
  }
}
