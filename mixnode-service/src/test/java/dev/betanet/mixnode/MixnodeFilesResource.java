package dev.betanet.mixnode;

import dev.betanet.protocol.link.LinkIdentity;
import dev.betanet.protocol.link.LinkPeers;
import dev.betanet.protocol.link.LinkTls;
import dev.betanet.protocol.node.LoopbackPorts;
import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.NodeKeysFile;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.TopologySigner;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Gives the Quarkus app what the operator would: a key file and a signed topology in a temp
 * directory, named through the same configuration the operator sets, plus a sink router (a real TLS
 * server socket with the router's link identity) as the only next hop.
 */
public class MixnodeFilesResource implements QuarkusTestResourceLifecycleManager {

  static final int PACKET_SIZE = 2048;
  static final BlockingQueue<byte[]> SINK = new LinkedBlockingQueue<>();
  static NodeKeys nodeKeys;
  static NodeKeys sinkKeys;
  static int packetPort;
  static Topology topology;

  /** The sink router's side of the node links: it accepts the mixnode (the last layer). */
  static LinkTls sinkTls() {
    return new LinkTls(
        LinkIdentity.of(sinkKeys),
        () -> LinkPeers.intoRouter(topology),
        () -> LinkPeers.anyNode(topology));
  }

  private Path dir;
  private ServerSocket sink;

  @Override
  public Map<String, String> start() {
    try {
      var random = new SecureRandom();
      var signer = new TopologySigner(Ed25519Keys.generatePrivate(random));
      nodeKeys = NodeKeys.generate("mix-app", signer.publicKey(), 1, random);
      sinkKeys = NodeKeys.generate("sink", signer.publicKey(), 1, random);
      sink = sinkTls().serverSocket(InetAddress.getLoopbackAddress(), 0, 10);
      packetPort = LoopbackPorts.reserve(); // bound later by the mixnode under test
      topology =
          new Topology(
              Topology.FORMAT_VERSION,
              "app-test",
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
                              "mix-app",
                              "127.0.0.1:" + packetPort,
                              "f",
                              "",
                              nodeKeys.current().publicKey(),
                              1,
                              nodeKeys.identityPublic(),
                              true)))),
              List.of(
                  new Topology.RouterNode(
                      "sink",
                      "127.0.0.1:" + sink.getLocalPort(),
                      "127.0.0.1:" + sink.getLocalPort(),
                      sinkKeys.current().publicKey(),
                      1,
                      sinkKeys.identityPublic(),
                      List.of())),
              new Topology.Canary(100, Topology.FallbackPolicy.STRICT));
      Thread.ofPlatform().daemon().start(this::acceptSink);
      dir = Files.createTempDirectory("mixnode-app");
      Path keys = Files.write(dir.resolve("keys.json"), NodeKeysFile.write(nodeKeys));
      Path signed = Files.write(dir.resolve("topology.json"), signer.sign(topology));
      return Map.of(
          "betanet.node-id", "mix-app",
          "betanet.keys-file", keys.toString(),
          "betanet.topology-file", signed.toString(),
          "betanet.mixnode.host", "127.0.0.1",
          "betanet.mixnode.port", Integer.toString(packetPort));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads every link the node opens, each on its own thread: the node opens one per packet loop as
   * soon as its topology is applied, and a packet may take any of them.
   */
  private void acceptSink() {
    while (!sink.isClosed()) {
      Socket socket;
      try {
        socket = sink.accept();
      } catch (IOException e) {
        return; // server closed
      }
      Thread.ofPlatform().daemon().start(() -> readSink(socket));
    }
  }

  private static void readSink(Socket socket) {
    try (socket;
        var in = new DataInputStream(socket.getInputStream())) {
      while (true) {
        byte[] packet = new byte[in.readInt()];
        in.readFully(packet);
        SINK.add(packet);
      }
    } catch (IOException e) {
      // connection closed
    }
  }

  @Override
  public void stop() {
    try {
      sink.close();
      try (var files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(dir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
