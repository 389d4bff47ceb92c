package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A next hop that is down fills only its own bounded queue; traffic to others keeps moving. */
class NextHopDownTest {

  @Test
  void aDeadNextHopDoesNotBlockOtherTrafficAndIsReachedOnceItComesUp() throws Exception {
    try (var net = new TestNet(3, Kits.create())) {
      // Nodes 1 and 2 make up the last layer: node 0 forwards to either (a router accepts packets
      // from the last layer only, so the other traffic takes node 2, not a shortcut to the sink).
      net.layerOf.put(2, 1);
      net.writeFiles();
      net.start(2, net.settings(2));
      // Node 1 is in the topology but not running: node 0's link to it cannot connect. Its port
      // is held by a bound socket that does not listen, so connecting is refused and never lands
      // on anything else (on loopback a connect to a free ephemeral port can even reach itself).
      Socket deadHop = new Socket();
      deadHop.bind(new InetSocketAddress("127.0.0.1", net.ports.get(1)));
      Mixnode node = net.start(0, net.settings(0));
      int queueBound = net.settings(0).nextHopQueue();
      int toDeadHop = queueBound + 100;
      double unreachableBefore = TestNet.count(node, PacketResult.DROPPED_UNREACHABLE);
      try (var client = new TestClient(net, node.port())) {
        for (int i = 0; i < toDeadHop; i++) {
          client.send(net.packet(0, "via-1-" + i, 0, 1));
          if (i % 20 == 0) {
            client.send(net.packet(0, "direct-" + i, 0, 2));
          }
        }
        int direct = (toDeadHop + 19) / 20;
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
        deadHop.close();
        net.start(1, net.settings(1));
        Eventually.await(
            "the queued packets delivered through node 1",
            Duration.ofSeconds(15),
            () -> net.sink.packets.size() == direct + queueBound);
      }
      assertThat(net.payloadsAtSink()).doesNotContainNull();
    }
  }
}
