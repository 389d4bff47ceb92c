package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.mixnode.sphinx.SphinxProcessors;
import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import dev.betanet.protocol.link.LinkIdentity;
import dev.betanet.protocol.link.LinkPeers;
import dev.betanet.protocol.link.LinkRefusal;
import dev.betanet.protocol.link.LinkTls;
import dev.betanet.protocol.link.PendingHandshakes;
import dev.betanet.protocol.packet.KeyRing;
import dev.betanet.protocol.packet.PacketProcessor;
import dev.betanet.protocol.packet.ProcessResult;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.NodeKeys;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Attackers on the links between nodes (issue 22, "Plain links"): an injector that reaches a packet
 * port without a pinned certificate, a node that skips a layer, and a relay on the path between two
 * layers that reads and tampers with what passes. Each plays the attack with real packets on real
 * sockets; on plaintext links every one of them gets its packet processed.
 */
class LinkAttackTest {

  @Test
  void aPlaintextInjectorIsRefusedBeforeAnyPacketIsRead() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.startAll();
      Mixnode node = net.nodes.get(0);
      double before = node.metrics().linksRefusedCount(LinkRefusal.NOT_TLS);
      long processed = node.metrics().processingCount();
      NetSocket plain =
          net.vertx
              .createNetClient()
              .connect(node.port(), "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS);
      plain.write(TestSink.frame(net.packet(0, "injected", 0)));
      Eventually.await(
          "the plaintext link refused as not_tls",
          () -> node.metrics().linksRefusedCount(LinkRefusal.NOT_TLS) == before + 1);
      assertThat(node.metrics().processingCount()).isEqualTo(processed);
      assertThat(net.sink.packets).isEmpty();
    }
  }

  @Test
  void aCertificateTheTopologyDoesNotPinIsRefused() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.startAll();
      Mixnode node = net.nodes.get(0);
      double before = node.metrics().linksRefusedCount(LinkRefusal.UNKNOWN_PEER);
      long processed = node.metrics().processingCount();
      byte[] strangerKey = Ed25519Keys.generatePrivate(TestNet.RANDOM);
      var stranger =
          new LinkTls(
              LinkIdentity.of("stranger", strangerKey),
              null,
              () -> LinkPeers.anyNode(net.topology()));
      try (var client = new TestClient(net.vertx, stranger, node.port())) {
        // TLS 1.3 lets the client finish first; the server's verdict comes as an alert.
        client.send(net.packet(0, "injected", 0));
      } catch (Exception refusedWhileWriting) {
        // the alert may already have closed the link
      }
      Eventually.await(
          "the stranger refused as unknown_peer",
          () -> node.metrics().linksRefusedCount(LinkRefusal.UNKNOWN_PEER) == before + 1);
      assertThat(node.metrics().processingCount()).isEqualTo(processed);
      assertThat(net.sink.packets).isEmpty();
    }
  }

  @Test
  void aRouterCannotSkipTheFirstLayer() throws Exception {
    try (var net = new TestNet(2, Kits.create())) {
      net.startAll();
      Mixnode second = net.nodes.get(1);
      double before = second.metrics().linksRefusedCount(LinkRefusal.WRONG_LAYER);
      long processed = second.metrics().processingCount();
      try (var client = new TestClient(net, second.port())) {
        client.send(net.packet(0, "skips layer 0", 1));
      } catch (Exception refusedWhileWriting) {
        // the alert may already have closed the link
      }
      Eventually.await(
          "the router refused at layer 1 as wrong_layer",
          () -> second.metrics().linksRefusedCount(LinkRefusal.WRONG_LAYER) == before + 1);
      assertThat(second.metrics().processingCount()).isEqualTo(processed);
      assertThat(net.sink.packets).isEmpty();
    }
  }

  /**
   * A flood of TCP connections that never start their handshake: beyond {@link
   * PendingHandshakes#MAX} in progress the oldest is closed and counted, and a router of the
   * topology still gets its link in and its packet through while the flood holds every slot.
   */
  @Test
  void stalledHandshakesBeyondTheBoundPushOutTheOldest() throws Exception {
    int extra = 16;
    try (var net = new TestNet(1, Kits.create())) {
      net.startAll();
      Mixnode node = net.nodes.get(0);
      double before = node.metrics().linksRefusedCount(LinkRefusal.TOO_MANY_HANDSHAKES);
      List<Socket> flood = new ArrayList<>();
      AtomicInteger closedByNode = new AtomicInteger();
      try {
        for (int i = 0; i < PendingHandshakes.MAX + extra; i++) {
          Socket socket = new Socket(InetAddress.getLoopbackAddress(), node.port());
          flood.add(socket); // sends nothing: a handshake that never starts
          Thread.ofVirtual().start(() -> awaitClose(socket, closedByNode));
        }
        Eventually.await(
            extra + " stalled handshakes pushed out",
            Duration.ofSeconds(30),
            () ->
                node.metrics().linksRefusedCount(LinkRefusal.TOO_MANY_HANDSHAKES)
                    >= before + extra);
        assertThat(node.metrics().linksRefusedCount(LinkRefusal.TOO_MANY_HANDSHAKES))
            .isEqualTo(before + extra);
        Eventually.await(
            "the pushed-out connections closed",
            Duration.ofSeconds(30),
            () -> closedByNode.get() >= extra);
        try (var client = new TestClient(net, node.port())) {
          client.send(net.packet(0, "during the flood", 0));
          Eventually.await(
              "the router's packet at the sink",
              Duration.ofSeconds(30),
              () -> net.sink.packets.size() == 1);
        }
        assertThat(net.payloadsAtSink()).containsExactly("during the flood");
      } finally {
        for (Socket socket : flood) {
          socket.close();
        }
      }
    }
  }

  private static void awaitClose(Socket socket, AtomicInteger closed) {
    try {
      // Until the end of the stream: the node may say goodbye with a TLS alert first.
      socket.getInputStream().transferTo(OutputStream.nullOutputStream());
      closed.incrementAndGet();
    } catch (IOException e) {
      if (!socket.isClosed()) {
        closed.incrementAndGet(); // reset by the node
      }
    }
  }

  @Test
  void anOpenLinkIsClosedWhenTheTopologyNoLongerListsItsPeer() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.startAll();
      Mixnode node = net.nodes.get(0);
      double before = node.metrics().linksRefusedCount(LinkRefusal.REMOVED);
      try (var client = new TestClient(net, node.port())) {
        client.send(net.packet(0, "while listed", 0));
        Eventually.await("the first packet at the sink", () -> net.sink.packets.size() == 1);
        net.listsSinkRouter = false;
        net.epoch++;
        net.writeFiles();
        Eventually.await("the router's link closed", client.closed::get);
        assertThat(node.metrics().linksRefusedCount(LinkRefusal.REMOVED)).isEqualTo(before + 1);
      }
    }
  }

  @Test
  void aRelayBetweenLayersReadsNoHeaderAndCannotTagAPayload() throws Exception {
    try (var net = new TestNet(2, Kits.create())) {
      try (var relay = new TappingRelay(net.ports.get(1), TestNet.PACKET_SIZE)) {
        net.listedPorts.put(1, relay.port()); // layer 0 reaches layer 1 through the relay
        net.startAll();
        Mixnode second = net.nodes.get(1);
        try (var client = new TestClient(net, net.nodes.get(0).port())) {
          // Passive: the packet crosses the relay and arrives; the relay saw no clear header.
          byte[] packet = net.packet(0, "observed", 0, 1);
          byte[] clearHeaderAtLayer1 = Arrays.copyOf(peelAtLayer0(net, packet), 2 + 32);
          client.send(packet);
          Eventually.await("the packet through the relay", () -> net.sink.packets.size() == 1);
          assertThat(net.payloadsAtSink()).containsExactly("observed");
          assertThat(indexOf(relay.seen(), clearHeaderAtLayer1))
              .as("layer 1's key id and ephemeral key in what the relay saw")
              .isEqualTo(-1);

          // Active: one flipped bit breaks the link; nothing reaches layer 1's processing.
          long processedAtLayer1 = second.metrics().processingCount();
          int endedBefore = relay.connectionsEnded.get();
          relay.armed.set(true);
          client.send(net.packet(0, "tagged", 0, 1));
          Eventually.await("the relay flipped a bit", () -> relay.flipped.get() == 1);
          Eventually.await(
              "layer 1 dropped the tampered link",
              () -> relay.connectionsEnded.get() == endedBefore + 1);
          assertThat(second.metrics().processingCount()).isEqualTo(processedAtLayer1);
          assertThat(net.sink.packets).hasSize(1);

          // The next packet takes a fresh link and arrives.
          client.send(net.packet(0, "after", 0, 1));
          Eventually.await("the next packet arrives", () -> net.sink.packets.size() == 2);
          assertThat(net.payloadsAtSink()).containsExactly("observed", "after");
        }
      }
    }
  }

  /** What layer 0 sends on: the packet peeled with layer 0's key (the test holds every key). */
  private static byte[] peelAtLayer0(TestNet net, byte[] packet) throws Exception {
    NodeKeys first = net.keys.get(0);
    var processor =
        new PacketProcessor(
            SphinxProcessors.geometryOf(TestNet.PACKET_SIZE),
            KeyRing.of(first.current().epoch(), X25519PrivateKey.of(first.current().privateKey())),
            BloomReplayFilter.forRate(ReplayWindow.DEFAULT, 100),
            X25519.bouncyCastle());
    return ((ProcessResult.Forward) processor.process(packet.clone())).packet();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
