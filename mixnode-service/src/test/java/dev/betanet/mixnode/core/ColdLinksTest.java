package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A mixnode opens its TLS links to the hops after it when a topology is applied, before any packet
 * needs them, and reopens them when they close (docs/protocol.md, "Cold links"): the first packets
 * of a fresh cluster never wait for a handshake. Real nodes and a real sink router on loopback.
 */
class ColdLinksTest {

  private static final Duration LINKS = Duration.ofSeconds(60);

  @Test
  void linksToTheNextLayerOpenWhenTheTopologyIsAppliedBeforeAnyPacket() throws Exception {
    try (var net = new TestNet(2, Kits.create())) {
      net.startAll();
      Mixnode first = net.nodes.get(0);
      Mixnode last = net.nodes.get(1);
      int loops = net.settings(0).cryptoThreads(); // the setting is the number of packet loops

      // Every packet loop of layer 0 links to the layer-1 node; every loop of layer 1 to the sink.
      Eventually.await(
          "links open to the next layer",
          LINKS,
          () ->
              first.metrics().outboundConnections().get() == loops
                  && last.metrics().inboundConnections().get() == loops
                  && last.metrics().outboundConnections().get() == loops
                  && net.sink.open.size() == loops);

      // Not one packet was sent: the links were opened by the topology, not by traffic.
      assertThat(TestNet.count(first, PacketResult.FORWARDED)).isZero();
      assertThat(TestNet.count(last, PacketResult.FORWARDED)).isZero();
      assertThat(net.sink.packets).isEmpty();
    }
  }

  @Test
  void aKeptLinkClosedByItsPeerIsOpenedAgainWithoutTraffic() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.startAll();
      Mixnode node = net.nodes.get(0);
      int loops = net.settings(0).cryptoThreads(); // the setting is the number of packet loops
      Eventually.await("links open to the sink", LINKS, () -> net.sink.open.size() == loops);
      int acceptedBefore = net.sink.accepted.get();

      net.sink.closeLinks(); // a router restarting, or a link cut

      Eventually.await(
          "the links opened again",
          LINKS,
          () ->
              net.sink.accepted.get() == acceptedBefore + loops
                  && net.sink.open.size() == loops
                  && node.metrics().outboundConnections().get() == loops);
      assertThat(net.sink.packets).isEmpty();
    }
  }
}
