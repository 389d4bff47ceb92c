package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.metrics.MetricNames;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cluster's packet links are open before its first packet (docs/protocol.md, "Cold links"): real
 * mixnode processes and both routers, no cover and no request. Every router links to the first
 * layer, every mixnode to the layer after it and the last layer to the routers, because a topology
 * was applied, so a first request crosses no TLS handshake.
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class ColdLinksEndToEndTest {

  @Test
  void everyLinkTheTopologyNamesIsOpenBeforeAnyPacket() throws Exception {
    try (var cluster = new TestCluster(2, 2, 0)) {
      cluster.sendRatePerSecond = 0; // unpaced: no cover, so only a request could send a packet
      var backend = cluster.backend(r -> r.response().end("unused"));
      // Returns once TestCluster.awaitLinks saw every link open; a cluster that opened links on
      // the first packet would never get there.
      cluster.start("http://127.0.0.1:" + backend.actualPort());

      for (String scrape : List.of(cluster.entryMetrics.scrape(), cluster.exitMetrics.scrape())) {
        assertThat(Scrapes.required(scrape, MetricNames.ROUTER_LINKS_OPEN.prometheus()))
            .as("links from a router to the first layer")
            .isEqualTo(2);
        for (String kind : List.of("real", "cover", "unpaced")) {
          assertThat(Scrapes.required(scrape, slot(kind))).as(kind + " departures").isZero();
        }
      }
      List<String> mixnodes = cluster.mixnodeMetrics();
      for (int n = 0; n < mixnodes.size(); n++) {
        String scrape = mixnodes.get(n);
        assertThat(
                Scrapes.required(
                    scrape, MetricNames.MIXNODE_CONNECTIONS.prometheus() + "{direction=\"out\"}"))
            .as("links out of mixnode " + n)
            .isEqualTo(2); // the other layer's two nodes, or the two routers
        assertThat(
                Scrapes.required(
                    scrape, MetricNames.MIXNODE_PACKETS.prometheus() + "{result=\"forwarded\"}"))
            .as("packets mixnode " + n + " forwarded")
            .isZero();
      }
    }
  }

  private static String slot(String kind) {
    return MetricNames.ROUTER_SEND_SLOTS.prometheus() + "{kind=\"" + kind + "\",}";
  }
}
