package dev.betanet.router.state;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.node.NodeFiles;
import dev.betanet.protocol.packet.NodeRef;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.PacketGeometry;
import dev.betanet.protocol.packet.PacketProcessor;
import dev.betanet.protocol.packet.PathHop;
import dev.betanet.protocol.replay.ReplayFilter;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.Topology.MixnodeEntry;
import dev.betanet.protocol.topology.Topology.RouterNode;
import dev.betanet.router.wire.Envelope;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything derived from one accepted (keys, topology) pair, immutable, swapped whole on reload so
 * a packet is always handled against one consistent view: geometry, packet processor over this
 * node's key ring, builder, and the packet address of every node the topology names.
 */
public final class RouterState {

  /** Hops a header has room for: the protocol default (3 mix layers, the exit, one spare). */
  public static final int MAX_HOPS = PacketGeometry.DEFAULT.maxHops();

  private final NodeFiles.State files;
  private final PacketGeometry geometry;
  private final Envelope envelope;
  private final PacketProcessor processor;
  private final PacketBuilder builder;
  private final Map<NodeRef, String> addresses;
  private final NodeRef self;
  private final PathHop selfHop;

  /** A state with keys of its own (tests, and one-off states that no reload follows). */
  public RouterState(
      NodeFiles.State files, ReplayFilter replayFilter, X25519 x25519, SecureRandom rnd) {
    this(files, replayFilter, x25519, rnd, new PacketKeys(x25519));
  }

  /**
   * @param keys the packet keys shared by the router's successive states; the ring is taken last,
   *     once nothing else can fail, so a state that cannot be built leaves the keys untouched
   * @throws RuntimeException when the files cannot make a state (the router keeps the last one)
   */
  public RouterState(
      NodeFiles.State files,
      ReplayFilter replayFilter,
      X25519 x25519,
      SecureRandom rnd,
      PacketKeys keys) {
    this.files = files;
    Topology topology = files.topology();
    this.geometry = new PacketGeometry(topology.packetSize(), MAX_HOPS);
    this.envelope = new Envelope(geometry);
    this.builder = new PacketBuilder(geometry, x25519, rnd);
    Map<NodeRef, String> table = new HashMap<>();
    for (Topology.Layer layer : topology.layers()) {
      for (MixnodeEntry node : layer.mixnodes()) {
        table.put(NodeRef.ofIdentity(node.ed25519().bytes()), node.address());
      }
    }
    for (RouterNode router : topology.routers()) {
      table.put(NodeRef.ofIdentity(router.ed25519().bytes()), router.packetAddress());
    }
    this.addresses = Map.copyOf(table);
    NodeKeys nodeKeys = files.keys();
    this.self = NodeRef.ofIdentity(nodeKeys.identityPublic().bytes());
    this.selfHop =
        new PathHop(self, nodeKeys.current().publicKey().bytes(), nodeKeys.current().epoch(), 0);
    this.processor = new PacketProcessor(geometry, keys.ring(nodeKeys), replayFilter, x25519);
  }

  public Topology topology() {
    return files.topology();
  }

  public NodeFiles.State files() {
    return files;
  }

  public PacketGeometry geometry() {
    return geometry;
  }

  public Envelope envelope() {
    return envelope;
  }

  public PacketProcessor processor() {
    return processor;
  }

  public PacketBuilder builder() {
    return builder;
  }

  /** {@code host:port} where {@code node} receives packets, or null when the topology lacks it. */
  public String addressOf(NodeRef node) {
    return addresses.get(node);
  }

  /** This router as the last hop of a SURB or a loop. */
  public PathHop selfHop() {
    return selfHop;
  }

  public NodeRef self() {
    return self;
  }

  /** A mix hop with a delay drawn for it. */
  /**
   * The router hosting {@code host} in {@code current}'s topology.
   *
   * @throws RouterFailure what the client gets when the router is not ready (503) or no router
   *     hosts the name (502)
   */
  public static RouterNode exitFor(RouterState current, String host) {
    if (current == null) {
      throw new RouterFailure(503, "unavailable", "router is not ready");
    }
    return current
        .topology()
        .routerHosting(host)
        .orElseThrow(() -> RouterFailure.rejected(502, "unknown .fog name " + host));
  }

  public static PathHop hop(MixnodeEntry node, long delayMillis) {
    return new PathHop(
        NodeRef.ofIdentity(node.ed25519().bytes()),
        node.x25519().bytes(),
        node.keyEpoch(),
        delayMillis);
  }

  /** A router as the last hop of a forward packet. */
  public static PathHop hop(RouterNode router) {
    return new PathHop(
        NodeRef.ofIdentity(router.ed25519().bytes()),
        router.x25519().bytes(),
        router.keyEpoch(),
        0);
  }
}
