package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.link.LinkIdentity;
import dev.betanet.protocol.link.LinkPeers;
import dev.betanet.protocol.link.LinkRefusal;
import dev.betanet.protocol.link.LinkTls;
import dev.betanet.protocol.link.PendingHandshakes;
import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.topology.Topology;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A flood of connections that never finish their TLS handshake, against the router's packet port
 * (docs/security.md): at most {@link PendingHandshakes#MAX} handshakes are in progress, each one
 * beyond pushes out the oldest (closed, counted {@code too_many_handshakes}), and the last-layer
 * node still gets its link in while the flood goes on. Real sockets, a real {@code Router}.
 */
class PacketPortHandshakeFloodTest {

  private static final int EXTRA = 16;

  @Test
  void stalledHandshakesBeyondTheBoundPushOutTheOldestAndTheLastLayerStillGetsIn()
      throws Exception {
    try (var cluster = new TestCluster(1, 1, 0)) {
      cluster.writeFiles();
      cluster.startExit("http://127.0.0.1:9"); // no request reaches the backend here
      double evictedBefore = linksRefused(cluster);
      double malformedBefore = malformed(cluster);

      List<Socket> flood = new ArrayList<>();
      AtomicInteger closedByRouter = new AtomicInteger();
      try {
        for (int i = 0; i < PendingHandshakes.MAX + EXTRA; i++) {
          Socket socket = new Socket(InetAddress.getLoopbackAddress(), cluster.exitPacketPort);
          flood.add(socket); // sends nothing: a handshake that never starts
          Thread.ofVirtual().start(() -> awaitClose(socket, closedByRouter));
        }
        Eventually.await(
            EXTRA + " stalled handshakes pushed out",
            Duration.ofSeconds(30),
            () -> linksRefused(cluster) >= evictedBefore + EXTRA);
        assertThat(linksRefused(cluster)).isEqualTo(evictedBefore + EXTRA);
        Eventually.await(
            "the pushed-out connections closed",
            Duration.ofSeconds(30),
            () -> closedByRouter.get() >= EXTRA);

        // The last layer's node (mix-0) opens its link while the flood holds every slot.
        Topology topology = cluster.topology();
        var mix0 =
            new LinkTls(
                LinkIdentity.of(cluster.mixKeys.getFirst()),
                () -> LinkPeers.intoMixnode(topology, "mix-0"),
                () -> LinkPeers.anyNode(topology));
        try (var link = mix0.connect(InetAddress.getLoopbackAddress(), cluster.exitPacketPort);
            var out = new DataOutputStream(new BufferedOutputStream(link.getOutputStream()))) {
          // A frame of the wrong length: counted only by a link the router took in.
          out.writeInt(5);
          out.write(new byte[5]);
          out.flush();
          Eventually.await(
              "the last layer's frame read by the router",
              Duration.ofSeconds(30),
              () -> malformed(cluster) > malformedBefore);
        }
        assertThat(malformed(cluster)).isEqualTo(malformedBefore + 1);
      } finally {
        for (Socket socket : flood) {
          socket.close();
        }
      }
    }
  }

  private static void awaitClose(Socket socket, AtomicInteger closed) {
    try {
      // Until the end of the stream: the router may say goodbye with a TLS alert first.
      socket.getInputStream().transferTo(OutputStream.nullOutputStream());
      closed.incrementAndGet();
    } catch (IOException e) {
      // reset by the router, or closed by the test at the end
      if (!socket.isClosed()) {
        closed.incrementAndGet();
      }
    }
  }

  private static double linksRefused(TestCluster cluster) {
    return Scrapes.required(
        cluster.exitMetrics.scrape(),
        MetricNames.ROUTER_LINKS_REFUSED.prometheus()
            + "{reason=\""
            + LinkRefusal.TOO_MANY_HANDSHAKES.label()
            + "\",}");
  }

  private static double malformed(TestCluster cluster) {
    // Created on first use; the family is declared from the start (Scrapes.value).
    return Scrapes.value(
        cluster.exitMetrics.scrape(),
        MetricNames.ROUTER_PACKETS_REFUSED.prometheus() + "{reason=\"malformed_frame\",}");
  }
}
