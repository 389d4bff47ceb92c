package dev.betanet.protocol.topology;

import dev.betanet.protocol.topology.Topology.Canary;
import dev.betanet.protocol.topology.Topology.FallbackPolicy;
import dev.betanet.protocol.topology.Topology.FogService;
import dev.betanet.protocol.topology.Topology.Layer;
import dev.betanet.protocol.topology.Topology.Mixing;
import dev.betanet.protocol.topology.Topology.MixnodeEntry;
import dev.betanet.protocol.topology.Topology.RouterNode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Valid topologies with real keys, for tests. */
final class SampleTopologies {

  private SampleTopologies() {}

  static Topology threeLayers(long epoch, int weight) {
    var random = new SecureRandom();
    List<Layer> layers = new ArrayList<>();
    for (int l = 0; l < 3; l++) {
      List<MixnodeEntry> nodes = new ArrayList<>();
      for (int n = 0; n < 2; n++) {
        var keys = NodeKeys.generate("demo-mix-" + l + "-" + n, operatorKey(), epoch, random);
        nodes.add(
            new MixnodeEntry(
                keys.nodeId(),
                "127.0.0.1:" + (20000 + l * 10 + n),
                "family-" + n,
                "",
                keys.current().publicKey(),
                epoch,
                keys.identityPublic(),
                true));
      }
      layers.add(new Layer(l, nodes));
    }
    var routerKeys = NodeKeys.generate("demo-router-0", operatorKey(), epoch, random);
    var router =
        new RouterNode(
            routerKeys.nodeId(),
            "127.0.0.1:21789",
            "127.0.0.1:21790",
            routerKeys.current().publicKey(),
            epoch,
            routerKeys.identityPublic(),
            List.of(new FogService("abcdefghij234567.fog", "echo.fog")));
    return new Topology(
        Topology.FORMAT_VERSION,
        "demo",
        "default",
        epoch,
        Instant.parse("2026-11-25T06:00:00Z"),
        2048,
        new Mixing(50, 0),
        layers,
        List.of(router),
        new Canary(weight, FallbackPolicy.FALLBACK));
  }

  static final byte[] OPERATOR_PRIVATE = new byte[32];

  static {
    for (int i = 0; i < 32; i++) {
      OPERATOR_PRIVATE[i] = (byte) (i + 1);
    }
  }

  static Key32 operatorKey() {
    return Ed25519Keys.publicOf(OPERATOR_PRIVATE);
  }
}
