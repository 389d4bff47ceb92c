package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.fragment.Fragments;
import dev.betanet.protocol.node.NodeFiles;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.SurbPair;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.Router;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.wire.HttpMessages;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The replayer after a restart (issue 22, "Replay after restart"), at the router. The router peels
 * the last layer of every request it hosts; its replay filter lives in memory. An observer who
 * captured a request packet on the link into the exit, and replays it after the exit restarted,
 * used to get the exit to call its backend again and send a fresh reply out through the SURB: the
 * same input, a second output, linked by the replayer's own timing. Now the restarted process
 * refuses the packet as stamped before it started ({@code before_start}) and sends nothing.
 *
 * <p>Real sockets: the exit is a real {@link Router}; the test plays the sender (it builds the
 * packet as an entry does) and the SURB's first mixnode (a listening socket on that node's address,
 * which sees whatever the exit sends back).
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
      try (var firstHop = new FrameCounter(cluster.mixPorts.get(0))) {
        Router first = cluster.startExit("http://127.0.0.1:" + backend.actualPort());
        // A packet made now must be accepted by this process: wait for its replay guard to pass.
        Eventually.await("the first exit process ready", Duration.ofSeconds(40), first::isReady);

        byte[] captured = requestPacket(cluster);
        send(cluster.exitPacketPort, captured);
        Eventually.await(
            "the request answered through its SURB",
            Duration.ofSeconds(20),
            () -> backendCalls.get() == 1 && firstHop.frames.get() == 1);

        cluster.stopExit();
        // Same keys, same files, same ports: a new process whose replay filter is empty.
        cluster.startExit("http://127.0.0.1:" + backend.actualPort());
        double beforeStart = refused(cluster, "before_start");
        send(cluster.exitPacketPort, captured);
        // Either outcome ends the wait: the replay refused, or peeled and answered again.
        Eventually.await(
            "the replay refused or answered",
            Duration.ofSeconds(20),
            () -> refused(cluster, "before_start") > beforeStart || backendCalls.get() > 1);

        assertThat(backendCalls.get()).as("backend calls").isEqualTo(1);
        assertThat(refused(cluster, "before_start")).isEqualTo(beforeStart + 1);
        // The refusal came before the exit could answer: no second reply left through the SURB.
        assertThat(firstHop.frames.get()).as("replies seen by the SURB's first hop").isEqualTo(1);
      }
    }
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

  private static void send(int port, byte[] packet) throws IOException {
    try (var socket = new Socket(InetAddress.getLoopbackAddress(), port);
        var out = new DataOutputStream(socket.getOutputStream())) {
      out.writeInt(packet.length);
      out.write(packet.clone());
      out.flush();
    }
  }

  private static double refused(TestCluster cluster, String reason) {
    return Scrapes.required(
        cluster.exitMetrics.scrape(),
        "betanet_router_packets_refused_total{reason=\"" + reason + "\",}");
  }

  /** A mixnode's packet port played by the test: counts the frames written to it. */
  private static final class FrameCounter implements AutoCloseable {
    final AtomicInteger frames = new AtomicInteger();
    private final ServerSocket server;

    FrameCounter(int port) throws IOException {
      server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
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
