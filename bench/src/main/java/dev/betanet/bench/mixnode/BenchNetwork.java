package dev.betanet.bench.mixnode;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import dev.betanet.protocol.packet.KeyRing;
import dev.betanet.protocol.packet.NodeRef;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.PacketException;
import dev.betanet.protocol.packet.PacketGeometry;
import dev.betanet.protocol.packet.PacketProcessor;
import dev.betanet.protocol.packet.PathHop;
import dev.betanet.protocol.packet.ProcessResult;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  private static final PacketGeometry GEOMETRY = new PacketGeometry(PACKET_SIZE, 5);

  final Path dir;
  final Path keysFile;
  final Path topologyFile;
  private final NodeKeys mixnode;
  private final NodeKeys sink;

  BenchNetwork(int packetPort, int sinkPort) throws IOException {
    var random = new SecureRandom();
    var signer = new TopologySigner(Ed25519Keys.generatePrivate(random));
    mixnode = NodeKeys.generate("bench-mix", signer.publicKey(), 1, random);
    sink = NodeKeys.generate("bench-sink", signer.publicKey(), 1, random);
    var topology =
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

  String nodeId() {
    return mixnode.nodeId();
  }

  /** Pre-built packets and, for each, what identifies it after the mixnode processed it. */
  record Packets(byte[][] packets, Map<Long, Integer> indexByForwardedKey) {

    /** The index of the packet a forwarded packet came from, or -1. */
    int identify(byte[] forwarded) {
      Integer index = indexByForwardedKey.get(forwardedKey(forwarded));
      return index == null ? -1 : index;
    }
  }

  /**
   * {@code count} packets mixnode → sink, built on {@code threads} threads. Each is also processed
   * once here with the mixnode's own key, to learn the ephemeral key it will carry to the sink: the
   * sink then recognises every packet exactly, without crypto during the run.
   */
  Packets build(int count, int threads, X25519 x25519) throws Exception {
    byte[][] packets = new byte[count][];
    long[] keys = new long[count];
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
    var processor =
        new PacketProcessor(
            GEOMETRY,
            KeyRing.of(1, X25519PrivateKey.of(mixnode.current().privateKey())),
            BloomReplayFilter.forRate(ReplayWindow.DEFAULT, Math.max(1, count / 60)),
            x25519);
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
                    byte[] packet = builder.forward(path, message).packet();
                    packets[i] = packet;
                    keys[i] = forwardedKey(processOnce(processor, packet));
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
    Map<Long, Integer> index = new HashMap<>(count * 2);
    for (int i = 0; i < count; i++) {
      index.put(keys[i], i);
    }
    return new Packets(packets, index);
  }

  private static byte[] processOnce(PacketProcessor processor, byte[] packet) {
    try {
      if (processor.process(packet.clone()) instanceof ProcessResult.Forward forward) {
        return forward.packet();
      }
      throw new IllegalStateException("BUG: a bench packet was not forwarded");
    } catch (PacketException e) {
      throw new IllegalStateException("BUG: a bench packet was refused: " + e.getMessage(), e);
    }
  }

  /** The first 8 bytes of the ephemeral key a forwarded packet carries to the next hop. */
  private static long forwardedKey(byte[] forwarded) {
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
