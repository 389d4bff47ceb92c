package dev.betanet.protocol.topology;

import dev.betanet.protocol.topology.Topology.FogService;
import dev.betanet.protocol.topology.Topology.Layer;
import dev.betanet.protocol.topology.Topology.MixnodeEntry;
import dev.betanet.protocol.topology.Topology.RouterNode;
import dev.betanet.protocol.topology.TopologyException.Kind;
import java.util.HashSet;
import java.util.Set;

/** The rules a topology must follow beyond its JSON shape; shared by signer and verifier. */
final class TopologyValidator {

  static final int MIN_PACKET_SIZE = 512;
  static final int MAX_PACKET_SIZE = 65_536;
  static final int MAX_LAYERS = 5;

  private TopologyValidator() {}

  static void validate(Topology t) throws TopologyException {
    require(
        t.version() == Topology.FORMAT_VERSION, "version", "must be " + Topology.FORMAT_VERSION);
    requireText(t.cluster(), "cluster");
    requireText(t.namespace(), "namespace");
    require(t.epoch() >= 1, "epoch", "must be at least 1, got " + t.epoch());
    require(t.issuedAt() != null, "issuedAt", "is required");
    require(
        t.packetSize() >= MIN_PACKET_SIZE && t.packetSize() <= MAX_PACKET_SIZE,
        "packetSize",
        "must be " + MIN_PACKET_SIZE + ".." + MAX_PACKET_SIZE + ", got " + t.packetSize());
    require(t.mixing() != null, "mixing", "is required");
    require(t.mixing().meanDelayMillis() >= 0, "mixing.meanDelayMillis", "must not be negative");
    require(
        t.mixing().coverMeanIntervalMillis() >= 0,
        "mixing.coverMeanIntervalMillis",
        "must not be negative");
    require(
        !t.layers().isEmpty() && t.layers().size() <= MAX_LAYERS,
        "layers",
        "must hold 1.." + MAX_LAYERS + " layers, got " + t.layers().size());
    require(t.canary() != null, "canary", "is required");
    require(
        t.canary().weight() >= 0 && t.canary().weight() <= 100,
        "canary.weight",
        "must be 0..100, got " + t.canary().weight());
    require(t.canary().fallbackPolicy() != null, "canary.fallbackPolicy", "is required");

    Set<String> ids = new HashSet<>();
    for (int i = 0; i < t.layers().size(); i++) {
      Layer layer = t.layers().get(i);
      String at = "layers[" + i + "]";
      require(layer.index() == i, at + ".index", "must be " + i + ", got " + layer.index());
      for (int n = 0; n < layer.mixnodes().size(); n++) {
        MixnodeEntry node = layer.mixnodes().get(n);
        String nodeAt = at + ".mixnodes[" + n + "]";
        requireText(node.id(), nodeAt + ".id");
        require(ids.add(node.id()), nodeAt + ".id", "duplicate node id " + node.id());
        requireAddress(node.address(), nodeAt + ".address");
        require(node.family() != null, nodeAt + ".family", "is required (may be empty)");
        require(node.zone() != null, nodeAt + ".zone", "is required (may be empty)");
        require(node.x25519() != null, nodeAt + ".x25519", "is required");
        require(node.ed25519() != null, nodeAt + ".ed25519", "is required");
      }
    }
    Set<String> fogNames = new HashSet<>();
    for (int r = 0; r < t.routers().size(); r++) {
      RouterNode router = t.routers().get(r);
      String at = "routers[" + r + "]";
      requireText(router.id(), at + ".id");
      require(ids.add(router.id()), at + ".id", "duplicate node id " + router.id());
      requireAddress(router.packetAddress(), at + ".packetAddress");
      requireAddress(router.tunnelAddress(), at + ".tunnelAddress");
      require(router.x25519() != null, at + ".x25519", "is required");
      require(router.ed25519() != null, at + ".ed25519", "is required");
      for (int s = 0; s < router.services().size(); s++) {
        FogService service = router.services().get(s);
        String serviceAt = at + ".services[" + s + "]";
        requireFogName(service.name(), serviceAt + ".name");
        require(
            fogNames.add(service.name().toLowerCase(java.util.Locale.ROOT)),
            serviceAt + ".name",
            "hosted twice: " + service.name());
        require(service.alias() != null, serviceAt + ".alias", "is required (may be empty)");
        if (!service.alias().isEmpty()) {
          requireFogName(service.alias(), serviceAt + ".alias");
          require(
              fogNames.add(service.alias().toLowerCase(java.util.Locale.ROOT)),
              serviceAt + ".alias",
              "hosted twice: " + service.alias());
        }
      }
    }
  }

  private static void requireFogName(String name, String at) throws TopologyException {
    require(
        name != null && name.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.fog"),
        at,
        "must be a DNS label followed by .fog, got " + name);
  }

  private static void requireAddress(String address, String at) throws TopologyException {
    requireText(address, at);
    int colon = address.lastIndexOf(':');
    require(colon > 0 && colon < address.length() - 1, at, "must be host:port, got " + address);
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new TopologyException(Kind.INVALID_FIELD, at + ": port is not a number: " + address);
    }
    require(port >= 1 && port <= 65_535, at, "port must be 1..65535, got " + port);
  }

  private static void requireText(String value, String at) throws TopologyException {
    require(value != null && !value.isBlank(), at, "is required");
  }

  private static void require(boolean ok, String at, String rule) throws TopologyException {
    if (!ok) {
      throw new TopologyException(Kind.INVALID_FIELD, "topology." + at + " " + rule);
    }
  }
}
