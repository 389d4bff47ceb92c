package dev.betanet.router;

import dev.betanet.protocol.node.LoopbackPorts;
import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.NodeKeysFile;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.TopologySigner;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Gives the Quarkus app what the operator would: a key file, a signed topology (one layer, canary
 * weight 30) and a services file in a temp directory, named through the same configuration.
 */
public class RouterFilesResource implements QuarkusTestResourceLifecycleManager {

  static int proxyPort;

  @Override
  public Map<String, String> start() {
    try {
      var random = new SecureRandom();
      var signer = new TopologySigner(Ed25519Keys.generatePrivate(random));
      NodeKeys router = NodeKeys.generate("router-app", signer.publicKey(), 1, random);
      NodeKeys mix = NodeKeys.generate("mix-0", signer.publicKey(), 1, random);
      int packetPort = LoopbackPorts.reserve();
      int tunnelPort = LoopbackPorts.reserve();
      proxyPort = LoopbackPorts.reserve();
      var topology =
          new Topology(
              Topology.FORMAT_VERSION,
              "app-test",
              "default",
              1,
              Instant.now(),
              2048,
              new Topology.Mixing(0, 0),
              List.of(
                  new Topology.Layer(
                      0,
                      List.of(
                          new Topology.MixnodeEntry(
                              "mix-0",
                              "127.0.0.1:" + LoopbackPorts.reserve(),
                              "f",
                              "",
                              mix.current().publicKey(),
                              1,
                              mix.identityPublic(),
                              true)))),
              List.of(
                  new Topology.RouterNode(
                      "router-app",
                      "127.0.0.1:" + packetPort,
                      "127.0.0.1:" + tunnelPort,
                      router.current().publicKey(),
                      1,
                      router.identityPublic(),
                      List.of(new Topology.FogService("abcdefgh.fog", "echo.fog")))),
              new Topology.Canary(30, Topology.FallbackPolicy.STRICT));
      Path dir = Files.createTempDirectory("router-app");
      Path keys = Files.write(dir.resolve("keys.json"), NodeKeysFile.write(router));
      Path signed = Files.write(dir.resolve("topology.json"), signer.sign(topology));
      Path services =
          Files.writeString(
              dir.resolve("services.json"),
              "{\"echo.fog\": {\"backend\": \"http://127.0.0.1:9\"}}");
      return Map.of(
          "betanet.node-id", "router-app",
          "betanet.keys-file", keys.toString(),
          "betanet.topology-file", signed.toString(),
          "betanet.services-file", services.toString(),
          "betanet.router.host", "127.0.0.1",
          "betanet.router.proxy-port", String.valueOf(proxyPort),
          "betanet.router.packet-port", String.valueOf(packetPort),
          "betanet.router.tunnel-port", String.valueOf(tunnelPort),
          "betanet.router.socks-port", "0");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void stop() {}
}
