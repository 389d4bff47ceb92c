package dev.betanet.router.entry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.link.LinkIdentity;
import dev.betanet.protocol.link.LinkPeers;
import dev.betanet.protocol.link.LinkTls;
import dev.betanet.protocol.node.NodeFiles;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.loopback.Eventually;
import dev.betanet.router.packet.PacketLinks;
import dev.betanet.router.packet.RouterLinks;
import dev.betanet.router.packet.SendQueue;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cover from an idle router's send queue leaves over real sockets to two first-layer nodes played
 * by the test. A node the router suspects is avoided by cover exactly as by requests: were it not,
 * a node on the avoided side could tell every packet it still receives from this router to be
 * cover.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CoverTrafficPathsTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx = Vertx.vertx();
  private final List<ServerSocket> nodes = new ArrayList<>();
  private final List<AtomicInteger> received = new ArrayList<>();
  private SendQueue queue;
  private PacketLinks links;

  @AfterEach
  void stop() throws Exception {
    if (queue != null) {
      queue.stop();
    }
    if (links != null) {
      links.close();
    }
    for (ServerSocket node : nodes) {
      node.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /**
   * A first-layer node that counts the packets it receives, speaking the node links' mutual TLS
   * with {@code keys}' identity and the pins of the topology {@code topology} will hold.
   */
  private String node(NodeKeys keys, AtomicReference<Topology> topology) throws IOException {
    var tls =
        new LinkTls(
            LinkIdentity.of(keys),
            () -> LinkPeers.intoMixnode(topology.get(), keys.nodeId()),
            () -> LinkPeers.anyNode(topology.get()));
    ServerSocket socket = tls.serverSocket(InetAddress.getLoopbackAddress(), 0, 10);
    var count = new AtomicInteger();
    nodes.add(socket);
    received.add(count);
    Thread.ofVirtual()
        .start(
            () -> {
              while (!socket.isClosed()) {
                try {
                  Socket link = socket.accept();
                  Thread.ofVirtual().start(() -> count(link, count));
                } catch (IOException e) {
                  return;
                }
              }
            });
    return "127.0.0.1:" + socket.getLocalPort();
  }

  private static void count(Socket link, AtomicInteger count) {
    try (link;
        var in = new DataInputStream(link.getInputStream())) {
      while (true) {
        in.readFully(new byte[in.readInt()]);
        count.incrementAndGet();
      }
    } catch (IOException e) {
      // link closed
    }
  }

  private static Topology.MixnodeEntry entry(NodeKeys keys, String address) {
    return new Topology.MixnodeEntry(
        keys.nodeId(),
        address,
        "family-" + keys.nodeId(),
        "",
        keys.current().publicKey(),
        keys.current().epoch(),
        keys.identityPublic(),
        true);
  }

  @Test
  void coverAvoidsTheNodesRequestsAvoid() throws Exception {
    var operator = Ed25519Keys.publicOf(Ed25519Keys.generatePrivate(RANDOM));
    NodeKeys suspect = NodeKeys.generate("suspect", operator, 1, RANDOM);
    NodeKeys trusted = NodeKeys.generate("trusted", operator, 1, RANDOM);
    NodeKeys second = NodeKeys.generate("second", operator, 1, RANDOM);
    NodeKeys router = NodeKeys.generate("router", operator, 1, RANDOM);
    var holder = new AtomicReference<Topology>();
    var topology =
        new Topology(
            Topology.FORMAT_VERSION,
            "t",
            "ns",
            1,
            Instant.now(),
            2048,
            new Topology.Mixing(0, 0).withSendRatePerSecond(500),
            List.of(
                new Topology.Layer(
                    0,
                    List.of(
                        entry(suspect, node(suspect, holder)),
                        entry(trusted, node(trusted, holder)))),
                new Topology.Layer(1, List.of(entry(second, "127.0.0.1:1")))),
            // The router is listed: the first layer accepts links from routers of the topology.
            List.of(
                new Topology.RouterNode(
                    router.nodeId(),
                    "127.0.0.1:1",
                    "127.0.0.1:1",
                    router.current().publicKey(),
                    router.current().epoch(),
                    router.identityPublic(),
                    List.of())),
            new Topology.Canary(100, Topology.FallbackPolicy.STRICT));
    holder.set(topology);
    var state =
        new RouterState(
            new NodeFiles.State(router, topology),
            BloomReplayFilter.forRate(ReplayWindow.DEFAULT, 100),
            X25519.bestAvailable(),
            RANDOM);
    var suspects = new SuspectNodes(Duration.ofSeconds(30), System::currentTimeMillis);
    suspects.unanswered(List.of("suspect"), Long.MAX_VALUE); // e.g. it refused our connection
    var paths = new PathSelector(RANDOM, suspects);
    var metrics = new RouterMetrics(new SimpleMeterRegistry(), () -> 0, () -> 0);
    var routerLinks = new RouterLinks(() -> state, metrics);
    routerLinks.apply(state);
    links =
        new PacketLinks(
            vertx,
            4096,
            new PacketLinks.Reachability() {
              @Override
              public void unreachable(String address) {}

              @Override
              public void reachable(String address) {}
            },
            routerLinks);
    // An idle router: every slot of its send queue is cover.
    queue =
        new SendQueue(
            "router",
            links,
            () -> state.topology().mixing().sendRatePerSecond(),
            4096,
            new CoverTraffic(() -> state, paths, RANDOM),
            metrics,
            RANDOM);

    queue.start();
    Eventually.await(
        "100 cover packets at the healthy node",
        Duration.ofSeconds(30),
        () -> received.get(1).get() >= 100);

    // Requests and SURBs take their paths from the same call: they avoid the suspect too.
    for (int i = 0; i < 100; i++) {
      assertThat(paths.select(topology).orElseThrow().getFirst().id()).isEqualTo("trusted");
    }
    assertThat(received.get(0).get()).as("cover packets sent to the suspect").isZero();
  }
}
