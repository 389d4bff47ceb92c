package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.fragment.Fragments;
import dev.betanet.protocol.link.LinkIdentity;
import dev.betanet.protocol.link.LinkPeers;
import dev.betanet.protocol.link.LinkRefusal;
import dev.betanet.protocol.link.LinkTls;
import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.node.NodeFiles;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.SurbPair;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.Router;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.wire.HttpMessages;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The replayer after a restart (issue 22, "Replay after restart"), at the router. The router peels
 * the last layer of every request it hosts; its replay filter lives in memory. A packet captured
 * before the exit restarted and replayed after it used to make the exit call its backend again and
 * send a fresh reply out through the SURB: the same input, a second output, linked by the
 * replayer's own timing.
 *
 * <p>Links are mutual TLS (docs/protocol.md, Links), so the two replayers are tested apart:
 *
 * <ul>
 *   <li>an on-path observer, who captured the link's bytes ({@link TlsRecordTap}) and writes them
 *       again into the restarted exit's packet port: the replayed handshake cannot complete (the
 *       exit's new handshake keys do not open the old records), it is refused and counted, and the
 *       packet inside is never read. TLS stops this replayer, before and after a restart;
 *   <li>a holder of valid link credentials — the last-layer mixnode the exit accepts, compromised,
 *       or whoever has its Secret — who sends the packet again over a fresh TLS link: TLS cannot
 *       tell a replayed packet from a new one, so here the replay guard is what stands. The
 *       restarted process refuses the packet as stamped before it started ({@code before_start})
 *       and sends nothing.
 * </ul>
 *
 * <p>Real sockets: the exit is a real {@link Router}; the test plays the sender (it builds the
 * packet as an entry does), the last-layer mixnode that delivers it (mix-0, with mix-0's link
 * identity) and that same node as the SURB's first hop (a TLS listener on mix-0's address, which
 * sees whatever the exit sends back). The exit's send queue also sends cover to that node in its
 * empty slots, so the replies are counted where they leave: the exit's real departures ({@code
 * send_slots_total{kind="real"|"unpaced"}}), which cover never moves.
 */
class RouterRestartReplayTest {

  @Test
  void aRequestPacketCapturedBeforeARestartIsNotAnsweredAgainAfterIt() throws Exception {
    try (var cluster = new TestCluster(1, 1, 0)) {
      var backendCalls = new AtomicInteger();
      var backend =
          cluster.backend(
              r -> {
                backendCalls.incrementAndGet();
                r.response().end("answered");
              });
      cluster.writeFiles();
      LinkTls mix0 = mixnodeLink(cluster);
      try (var firstHop = new FrameCounter(mix0, cluster.mixPorts.get(0));
          var tap = new TlsRecordTap(cluster.exitPacketPort, cluster.topology().packetSize())) {
        Router first = cluster.startExit("http://127.0.0.1:" + backend.actualPort());
        // A packet made now must be accepted by this process: wait for its replay guard to pass.
        Eventually.await("the first exit process ready", Duration.ofSeconds(40), first::isReady);

        byte[] captured = requestPacket(cluster);
        send(mix0, tap.port(), captured); // the honest delivery, seen by the on-path observer
        Eventually.await(
            "the request answered through its SURB",
            Duration.ofSeconds(20),
            () -> backendCalls.get() == 1 && replies(cluster) == 1 && firstHop.frames.get() >= 1);
        assertThat(tap.frames()).as("the delivery crossed the tapped link").isEqualTo(1);
        byte[] wire = tap.clientBytes(0);

        cluster.stopExit();
        // Same keys, same files, same ports: a new process whose replay filter is empty.
        cluster.startExit("http://127.0.0.1:" + backend.actualPort());

        // 1. The on-path observer writes the captured link bytes again.
        double handshakeFailed = linksRefused(cluster, LinkRefusal.HANDSHAKE_FAILED);
        replayRaw(cluster.exitPacketPort, wire);
        Eventually.await(
            "the replayed link refused",
            Duration.ofSeconds(20),
            () -> linksRefused(cluster, LinkRefusal.HANDSHAKE_FAILED) > handshakeFailed);
        assertThat(linksRefused(cluster, LinkRefusal.HANDSHAKE_FAILED))
            .isEqualTo(handshakeFailed + 1);

        // 2. The last-layer node (valid credentials) sends the captured packet again.
        double beforeStart = refused(cluster, "before_start");
        send(mix0, cluster.exitPacketPort, captured);
        // Either outcome ends the wait: the replay refused, or peeled and answered again.
        Eventually.await(
            "the replay refused or answered",
            Duration.ofSeconds(20),
            () -> refused(cluster, "before_start") > beforeStart || backendCalls.get() > 1);

        assertThat(backendCalls.get()).as("backend calls").isEqualTo(1);
        assertThat(refused(cluster, "before_start")).isEqualTo(beforeStart + 1);
        // Neither replay was answered: no second reply left through the SURB.
        assertThat(replies(cluster)).as("replies the exit sent").isEqualTo(1);
      }
    }
  }

  /** mix-0's side of its links: the only last-layer node, so the one the exit accepts. */
  private static LinkTls mixnodeLink(TestCluster cluster) {
    Topology topology = cluster.topology();
    return new LinkTls(
        LinkIdentity.of(cluster.mixKeys.getFirst()),
        () -> LinkPeers.intoMixnode(topology, "mix-0"),
        () -> LinkPeers.anyNode(topology));
  }

  /** A one-packet GET to echo.fog as an entry builds it: exit as last hop, one SURB via mix-0. */
  private static byte[] requestPacket(TestCluster cluster) {
    Topology topology = cluster.topology();
    var entry =
        new RouterState(
            new NodeFiles.State(cluster.entryKeys, topology),
            BloomReplayFilter.forRate(ReplayWindow.DEFAULT, 100),
            X25519.bestAvailable(),
            TestCluster.RANDOM);
    PacketBuilder builder = entry.builder();
    Topology.MixnodeEntry mix = topology.layers().getFirst().mixnodes().getFirst();
    SurbPair surb = builder.surb(List.of(RouterState.hop(mix, 0), entry.selfHop()));
    byte[] request =
        HttpMessages.encode(
            new HttpMessages.Request("GET", "echo.fog", "/once", List.of(), new byte[0]));
    long id = TestCluster.RANDOM.nextLong();
    List<byte[]> fragments =
        new Fragments(entry.envelope().requestFragmentBytes()).split(id, request);
    assertThat(fragments).hasSize(1);
    Topology.RouterNode exit = RouterState.exitFor(entry, "echo.fog");
    return builder
        .forward(
            List.of(RouterState.hop(exit)),
            entry.envelope().request(id, surb.surb(), fragments.getFirst()))
        .packet();
  }

  /** Sends {@code packet} over a fresh TLS link presenting {@code link}'s identity. */
  private static void send(LinkTls link, int port, byte[] packet) throws IOException {
    try (var socket = link.connect(InetAddress.getLoopbackAddress(), port);
        var out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()))) {
      out.writeInt(packet.length);
      out.write(packet.clone());
      out.flush();
    }
  }

  /** Writes captured link bytes into {@code port} as they were, and reads until it closes. */
  private static void replayRaw(int port, byte[] wire) throws IOException {
    try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.getOutputStream().write(wire);
      socket.getOutputStream().flush();
      socket.getInputStream().transferTo(OutputStream.nullOutputStream());
    } catch (SocketException e) {
      // the exit reset the connection: refused
    }
  }

  private static double linksRefused(TestCluster cluster, LinkRefusal reason) {
    return Scrapes.required(
        cluster.exitMetrics.scrape(),
        MetricNames.ROUTER_LINKS_REFUSED.prometheus() + "{reason=\"" + reason.label() + "\",}");
  }

  /** Real packets the exit (both processes: one registry) let leave: its replies, never cover. */
  private static double replies(TestCluster cluster) {
    String scrape = cluster.exitMetrics.scrape();
    return Scrapes.required(scrape, slots("real")) + Scrapes.required(scrape, slots("unpaced"));
  }

  private static String slots(String kind) {
    return MetricNames.ROUTER_SEND_SLOTS.prometheus() + "{kind=\"" + kind + "\",}";
  }

  private static double refused(TestCluster cluster, String reason) {
    return Scrapes.required(
        cluster.exitMetrics.scrape(),
        MetricNames.ROUTER_PACKETS_REFUSED.prometheus() + "{reason=\"" + reason + "\",}");
  }

  /** A mixnode's packet port played by the test (over its TLS): counts the frames written to it. */
  private static final class FrameCounter implements AutoCloseable {
    final AtomicInteger frames = new AtomicInteger();
    private final ServerSocket server;

    FrameCounter(LinkTls link, int port) throws IOException {
      server = link.serverSocket(InetAddress.getLoopbackAddress(), port, 50);
      Thread.ofVirtual().start(this::accept);
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          Thread.ofVirtual().start(() -> read(socket));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void read(Socket socket) {
      try (socket;
          var in = new DataInputStream(socket.getInputStream())) {
        while (true) {
          byte[] body = new byte[in.readInt()];
          in.readFully(body);
          frames.incrementAndGet();
        }
      } catch (IOException e) {
        // closed
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
