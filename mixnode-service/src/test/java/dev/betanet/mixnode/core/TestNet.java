package dev.betanet.mixnode.core;

import dev.betanet.protocol.link.LinkIdentity;
import dev.betanet.protocol.link.LinkPeers;
import dev.betanet.protocol.link.LinkTls;
import dev.betanet.protocol.node.LoopbackPorts;
import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.NodeKeysFile;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.TopologySigner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A small mix network on loopback for tests: an operator key, mixnodes with their key files, a
 * signed topology naming them (one per layer) and a sink router, all written to a temp directory
 * the way Kubernetes mounts them. Ports are picked free up front because the topology must name
 * them before the nodes bind.
 */
final class TestNet implements AutoCloseable {

  static final int PACKET_SIZE = 2048;
  static final SecureRandom RANDOM = new SecureRandom();

  final Vertx vertx = Vertx.vertx();
  final Path dir;
  final byte[] operatorPrivate = Ed25519Keys.generatePrivate(RANDOM);
  final TopologySigner signer = new TopologySigner(operatorPrivate);
  final List<NodeKeys> keys = new ArrayList<>();
  final List<Integer> ports = new ArrayList<>();

  /** Node index → its layer, when not its index (several nodes in one layer). */
  final Map<Integer, Integer> layerOf = new HashMap<>();

  /** Node index → the port the topology lists for it, when not the one it binds (a relay's). */
  final Map<Integer, Integer> listedPorts = new HashMap<>();

  final List<Mixnode> nodes = new ArrayList<>();
  final NodeKeys sinkKeys;
  final TestSink sink;
  long epoch = 1;
  long meanDelayMillis;
  long coverMeanIntervalMillis;
  boolean listsSinkRouter = true;

  final PacketKit kit;

  TestNet(int mixnodes, PacketKit kit) throws IOException {
    this.kit = kit;
    dir = Files.createTempDirectory("mixnet");
    sinkKeys = NodeKeys.generate("sink", signer.publicKey(), 1, RANDOM);
    sink = new TestSink(vertx, PACKET_SIZE, sinkTls());
    for (int i = 0; i < mixnodes; i++) {
      keys.add(NodeKeys.generate("mix-" + i, signer.publicKey(), 1, RANDOM));
      ports.add(LoopbackPorts.reserve());
    }
  }

  /**
   * The links of the sink router: its own identity, accepting the last layer as a router does
   * (judged by the topology of the current epoch, as written by {@link #writeFiles}).
   */
  LinkTls sinkTls() {
    return new LinkTls(
        LinkIdentity.of(sinkKeys),
        () -> LinkPeers.intoRouter(topology()),
        () -> LinkPeers.anyNode(topology()));
  }

  /**
   * The links of a client playing the sink router as an entry: the topology's only router, so layer
   * 0 accepts it.
   */
  LinkTls routerTls() {
    return sinkTls();
  }

  Path keysFile(int node) {
    return dir.resolve("mix-" + node + "-keys.json");
  }

  Path topologyFile() {
    return dir.resolve("topology.json");
  }

  /**
   * The topology of the current epoch: node i in layer i (or {@link #layerOf}), the sink as the
   * only router.
   */
  Topology topology() {
    return topologyWithSinkAt(sink.port());
  }

  /** As {@link #topology()}, with the sink router's packet address at {@code sinkPort}. */
  Topology topologyWithSinkAt(int sinkPort) {
    Map<Integer, List<Topology.MixnodeEntry>> byLayer = new java.util.TreeMap<>();
    for (int i = 0; i < keys.size(); i++) {
      NodeKeys node = keys.get(i);
      byLayer
          .computeIfAbsent(layerOf.getOrDefault(i, i), l -> new ArrayList<>())
          .add(
              new Topology.MixnodeEntry(
                  node.nodeId(),
                  "127.0.0.1:" + listedPorts.getOrDefault(i, ports.get(i)),
                  "family-" + i,
                  "",
                  node.current().publicKey(),
                  node.current().epoch(),
                  node.identityPublic(),
                  true));
    }
    List<Topology.Layer> layers = new ArrayList<>();
    byLayer.forEach((layer, nodes) -> layers.add(new Topology.Layer(layers.size(), nodes)));
    var sinkRouter =
        new Topology.RouterNode(
            "sink",
            "127.0.0.1:" + sinkPort,
            "127.0.0.1:" + sinkPort,
            sinkKeys.current().publicKey(),
            sinkKeys.current().epoch(),
            sinkKeys.identityPublic(),
            List.of());
    return new Topology(
        Topology.FORMAT_VERSION,
        "test",
        "default",
        epoch,
        Instant.now(),
        PACKET_SIZE,
        new Topology.Mixing(meanDelayMillis, coverMeanIntervalMillis),
        layers,
        listsSinkRouter ? List.of(sinkRouter) : List.of(),
        new Topology.Canary(100, Topology.FallbackPolicy.STRICT));
  }

  /** Writes every key file and the signed topology, each replaced atomically as Kubernetes does. */
  void writeFiles() throws IOException {
    for (int i = 0; i < keys.size(); i++) {
      replace(keysFile(i), NodeKeysFile.write(keys.get(i)));
    }
    replace(topologyFile(), signer.sign(topology()));
  }

  static void replace(Path file, byte[] content) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(temp, content);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  MixnodeSettings settings(int node) {
    return new MixnodeSettings(
        keys.get(node).nodeId(),
        keysFile(node),
        topologyFile(),
        "127.0.0.1",
        ports.get(node),
        2,
        1024,
        MixnodeSettings.defaultCryptoQueueBytes(),
        4096,
        MixnodeSettings.defaultDelayPoolBytes(),
        256,
        MixnodeSettings.defaultNextHopBytes(),
        Duration.ofSeconds(2),
        Duration.ofMillis(100),
        Duration.ofSeconds(10));
  }

  /** Writes the files, starts every mixnode and waits until all are bound. */
  void startAll() throws Exception {
    writeFiles();
    for (int i = 0; i < keys.size(); i++) {
      start(i, settings(i));
    }
  }

  /** Starts mixnode {@code index} (files already written) and waits until it is bound. */
  Mixnode start(int index, MixnodeSettings settings) throws Exception {
    return start(settings, kit.processors());
  }

  /** Starts a mixnode with {@code settings} and processors from {@code processors}. */
  Mixnode start(MixnodeSettings settings, HopProcessorFactory processors) throws Exception {
    var registry = new SimpleMeterRegistry();
    var node = new Mixnode(vertx, settings, processors, CoverEmitter.PacketSource.none(), registry);
    nodes.add(node);
    node.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return node;
  }

  /** Payloads the sink received, opened; null entries for packets that did not open. */
  List<String> payloadsAtSink() {
    return sink.packets.stream()
        .map(packet -> kit.open(this, packet))
        .map(payload -> payload == null ? null : new String(payload, StandardCharsets.UTF_8))
        .toList();
  }

  byte[] packet(long delayMillis, String payload, int... path) {
    return kit.build(this, delayMillis, payload.getBytes(StandardCharsets.UTF_8), path);
  }

  static double count(Mixnode node, PacketResult result) {
    return node.metrics().countOf(result);
  }

  Key32 identity(int node) {
    return keys.get(node).identityPublic();
  }

  @Override
  public void close() throws Exception {
    for (Mixnode node : nodes) {
      node.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
    }
    Files.deleteIfExists(dir);
  }
}
