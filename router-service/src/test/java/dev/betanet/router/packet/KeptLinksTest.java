package dev.betanet.router.packet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.link.LinkIdentity;
import dev.betanet.protocol.link.LinkPeers;
import dev.betanet.protocol.link.LinkTls;
import dev.betanet.protocol.link.NextLayer;
import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.node.LoopbackPorts;
import dev.betanet.protocol.node.NodeFiles;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.loopback.Eventually;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The router's links to the first layer are opened when a topology is applied and kept open
 * (docs/protocol.md, "Cold links"), over real mutual-TLS sockets: a first-layer node played by the
 * test sees the link before any packet, a link it closes is opened again without traffic, and a
 * node that cannot be reached is counted as a failure without being suspected (no packet was lost).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeptLinksTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private final List<String> unreachable = new CopyOnWriteArrayList<>();
  private final List<String> reachable = new CopyOnWriteArrayList<>();
  private ServerSocket node;
  private PacketLinks links;

  @AfterEach
  void close() throws Exception {
    if (links != null) {
      links.close();
    }
    if (node != null) {
      node.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void theFirstLayerIsLinkedBeforeAnyPacketAndRelinkedWhenALinkCloses() throws Exception {
    var operator = Ed25519Keys.publicOf(Ed25519Keys.generatePrivate(RANDOM));
    NodeKeys first = NodeKeys.generate("first", operator, 1, RANDOM);
    NodeKeys router = NodeKeys.generate("router", operator, 1, RANDOM);
    var holder = new AtomicReference<Topology>();
    String address = node(first, holder);
    Topology topology = topology(List.of(entry(first, address)), router);
    holder.set(topology);
    start(router, topology);

    links.keepOpen(NextLayer.fromRouter(topology));

    Eventually.await("the link open", WAIT, () -> accepted.size() == 1 && linksOpen() == 1);
    assertThat(links.dropped()).isZero();

    accepted.getFirst().close(); // the node restarts, or the link is cut

    Eventually.await(
        "the link opened again without a packet",
        WAIT,
        () -> accepted.size() == 2 && linksOpen() == 1);
    assertThat(unreachable).isEmpty();
  }

  @Test
  void aFirstLayerNodeThatCannotBeReachedIsCountedNotSuspected() throws Exception {
    var operator = Ed25519Keys.publicOf(Ed25519Keys.generatePrivate(RANDOM));
    NodeKeys down = NodeKeys.generate("down", operator, 1, RANDOM);
    NodeKeys router = NodeKeys.generate("router", operator, 1, RANDOM);
    String address = "127.0.0.1:" + LoopbackPorts.reserve(); // nothing listens there
    Topology topology = topology(List.of(entry(down, address)), router);
    start(router, topology);
    double failuresBefore = failures();

    links.keepOpen(Set.of(address));

    // Retried with a backoff while it stays in the topology: the count keeps rising.
    Eventually.await("two failed attempts", WAIT, () -> failures() >= failuresBefore + 2);
    assertThat(linksOpen()).isZero();
    assertThat(unreachable).as("suspected without a lost packet").isEmpty();
  }

  /**
   * A first hop down while packets wait for it is reported unreachable (the router suspects it);
   * when it comes up, the kept link opens and reports it reachable, which lifts that suspicion.
   * Without the second report a node refused while the cluster started stayed avoided for the whole
   * suspicion window.
   */
  @Test
  void aFirstLayerNodeThatComesUpIsReportedReachable() throws Exception {
    var operator = Ed25519Keys.publicOf(Ed25519Keys.generatePrivate(RANDOM));
    NodeKeys late = NodeKeys.generate("late", operator, 1, RANDOM);
    NodeKeys router = NodeKeys.generate("router", operator, 1, RANDOM);
    int port = LoopbackPorts.reserve(); // nothing listens there yet
    String address = "127.0.0.1:" + port;
    var holder = new AtomicReference<Topology>();
    Topology topology = topology(List.of(entry(late, address)), router);
    holder.set(topology);
    start(router, topology);

    links.keepOpen(Set.of(address));
    links.send(address, new byte[topology.packetSize()]);
    Eventually.await("reported unreachable", WAIT, () -> unreachable.contains(address));
    assertThat(reachable).isEmpty();

    node(late, holder, port);

    Eventually.await(
        "reported reachable once the kept link opened",
        WAIT,
        () -> reachable.contains(address) && linksOpen() == 1);
  }

  private void start(NodeKeys router, Topology topology) {
    var state =
        new RouterState(
            new NodeFiles.State(router, topology),
            BloomReplayFilter.forRate(ReplayWindow.DEFAULT, 100),
            X25519.bestAvailable(),
            RANDOM);
    var metrics = new RouterMetrics(registry, () -> 0, () -> 0);
    var routerLinks = new RouterLinks(() -> state, metrics);
    routerLinks.apply(state);
    links =
        new PacketLinks(
            vertx,
            4096,
            new PacketLinks.Reachability() {
              @Override
              public void unreachable(String address) {
                unreachable.add(address);
              }

              @Override
              public void reachable(String address) {
                reachable.add(address);
              }
            },
            routerLinks);
  }

  private double linksOpen() {
    return registry.get(MetricNames.ROUTER_LINKS_OPEN.meter()).gauge().value();
  }

  private double failures() {
    return registry.get(MetricNames.ROUTER_LINK_FAILURES.meter()).counter().count();
  }

  /** A first-layer node speaking the links' mutual TLS: keeps every link it accepts. */
  private String node(NodeKeys keys, AtomicReference<Topology> topology) throws IOException {
    return node(keys, topology, 0);
  }

  private String node(NodeKeys keys, AtomicReference<Topology> topology, int port)
      throws IOException {
    var tls =
        new LinkTls(
            LinkIdentity.of(keys),
            () -> LinkPeers.intoMixnode(topology.get(), keys.nodeId()),
            () -> LinkPeers.anyNode(topology.get()));
    node = tls.serverSocket(InetAddress.getLoopbackAddress(), port, 10);
    ServerSocket listening = node;
    Thread.ofVirtual()
        .start(
            () -> {
              while (!listening.isClosed()) {
                try {
                  Socket link = listening.accept();
                  // The handshake completes on the first read; a link that fails it is not kept.
                  Thread.ofVirtual()
                      .start(
                          () -> {
                            try {
                              ((javax.net.ssl.SSLSocket) link).startHandshake();
                              accepted.add(link);
                            } catch (IOException e) {
                              closeQuietly(link);
                            }
                          });
                } catch (IOException e) {
                  return;
                }
              }
            });
    return "127.0.0.1:" + node.getLocalPort();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private static Topology topology(List<Topology.MixnodeEntry> first, NodeKeys router) {
    return new Topology(
        Topology.FORMAT_VERSION,
        "t",
        "ns",
        1,
        Instant.now(),
        2048,
        new Topology.Mixing(0, 0),
        List.of(new Topology.Layer(0, first)),
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
}
