package dev.betanet.bench.mixnode;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import dev.betanet.protocol.link.LinkIdentity;
import dev.betanet.protocol.link.LinkPeers;
import dev.betanet.protocol.link.LinkTls;
import dev.betanet.protocol.packet.KeyRing;
import dev.betanet.protocol.packet.NodeRef;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.PacketGeometry;
import dev.betanet.protocol.packet.PacketProcessor;
import dev.betanet.protocol.packet.PathHop;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.NodeKeysFile;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.TopologySigner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The benchmark's one-node network: a mixnode's key file and a signed topology naming it and the
 * harness's sink (as the only router), plus packets for the path mixnode → sink, built the way a
 * router builds them. Per-hop delay 0 and no cover traffic, so what is measured is processing.
 */
final class BenchNetwork {

  static final int PACKET_SIZE = 2048;

  /** The mixnode's default replay filter sizing, packets/s. */
  private static final long NODE_REPLAY_RATE = 25_000;

  private static final PacketGeometry GEOMETRY = new PacketGeometry(PACKET_SIZE, 5);

  final Path dir;
  final Path keysFile;
  final Path topologyFile;
  private final NodeKeys mixnode;
  private final NodeKeys sink;
  private final Topology topology;

  BenchNetwork(int packetPort, int sinkPort) throws IOException {
    var random = new SecureRandom();
    var signer = new TopologySigner(Ed25519Keys.generatePrivate(random));
    mixnode = NodeKeys.generate("bench-mix", signer.publicKey(), 1, random);
    sink = NodeKeys.generate("bench-sink", signer.publicKey(), 1, random);
    topology =
        new Topology(
            Topology.FORMAT_VERSION,
            "bench",
            "default",
            1,
            Instant.now(),
            PACKET_SIZE,
            new Topology.Mixing(0, 0),
            List.of(
                new Topology.Layer(
                    0,
                    List.of(
                        new Topology.MixnodeEntry(
                            mixnode.nodeId(),
                            "127.0.0.1:" + packetPort,
                            "bench",
                            "",
                            mixnode.current().publicKey(),
                            1,
                            mixnode.identityPublic(),
                            true)))),
            List.of(
                new Topology.RouterNode(
                    sink.nodeId(),
                    "127.0.0.1:" + sinkPort,
                    "127.0.0.1:" + sinkPort,
                    sink.current().publicKey(),
                    1,
                    sink.identityPublic(),
                    List.of())),
            new Topology.Canary(100, Topology.FallbackPolicy.STRICT));
    dir = Files.createTempDirectory("mixnode-bench");
    keysFile = Files.write(dir.resolve("keys.json"), NodeKeysFile.write(mixnode));
    topologyFile = Files.write(dir.resolve("topology.json"), signer.sign(topology));
  }

  /**
   * The sink router's side of the node links (mutual TLS 1.3, docs/protocol.md "Links"): it accepts
   * the mixnode (the last layer) and, as the load driver, opens links to it as a router would.
   */
  LinkTls sinkTls() {
    return new LinkTls(
        LinkIdentity.of(sink),
        () -> LinkPeers.intoRouter(topology),
        () -> LinkPeers.anyNode(topology));
  }

  String nodeId() {
    return mixnode.nodeId();
  }

  /**
   * {@code count} packets mixnode → sink, built the way a router builds them on every core. Packets
   * expire two minutes after they are made (the replay window), so they are built just before use.
   */
  byte[][] build(int count, X25519 x25519) throws Exception {
    byte[][] packets = new byte[count][];
    var path =
        List.of(
            new PathHop(
                NodeRef.ofIdentity(mixnode.identityPublic().bytes()),
                mixnode.current().publicKey().bytes(),
                1,
                0),
            new PathHop(
                NodeRef.ofIdentity(sink.identityPublic().bytes()),
                sink.current().publicKey().bytes(),
                1,
                0));
    int threads = Runtime.getRuntime().availableProcessors();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        parts.add(
            pool.submit(
                () -> {
                  var builder = new PacketBuilder(GEOMETRY, x25519, new SecureRandom());
                  byte[] message = new byte[16];
                  for (int i = first; i < count; i += threads) {
                    ByteBuffer.wrap(message).putInt(i);
                    packets[i] = builder.forward(path, message).packet();
                  }
                  return null;
                }));
      }
      for (Future<?> part : parts) {
        part.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return packets;
  }

  /**
   * A processor holding the mixnode's own key, with a replay filter of its own sized as the node's
   * ({@code betanet.mixnode.replay-expected-rate}, 25,000 packets/s by default, about 25 MiB, so
   * the cache sees the same): what the harness uses to learn how the mixnode will transform a
   * packet, and to time one hop in-process. {@code clock} judges the packets' timestamps: a clock
   * stopped when they were built lets a bound time the same packets long after the node would
   * refuse them as expired.
   */
  PacketProcessor mixnodeProcessor(X25519 x25519, InstantSource clock) {
    return new PacketProcessor(
        GEOMETRY,
        KeyRing.of(1, X25519PrivateKey.of(mixnode.current().privateKey())),
        new BloomReplayFilter(ReplayWindow.DEFAULT, NODE_REPLAY_RATE, 32, clock),
        x25519);
  }

  /** The mixnode's private scalar, for timing raw X25519 with the key the node uses. */
  byte[] mixnodeScalar() {
    return mixnode.current().privateKey();
  }

  /**
   * What identifies a packet after the mixnode has processed it: the first 8 bytes of the ephemeral
   * key it carries to the next hop (fresh random per packet, so unique in practice).
   */
  static long forwardedKey(byte[] forwarded) {
    return ByteBuffer.wrap(forwarded, PacketGeometry.EPHEMERAL_KEY_OFFSET, 8).getLong();
  }

  void delete() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
    }
    Files.deleteIfExists(dir);
  }
}
