package dev.betanet.protocol.link;

import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.Topology.Layer;
import dev.betanet.protocol.topology.Topology.MixnodeEntry;
import dev.betanet.protocol.topology.Topology.RouterNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may open a packet link to a node, read from one signed topology: the identities pinned there
 * are the only trust anchors (docs/protocol.md, "Links"). Packets move one way through the layers —
 * routers → layer 0 → … → last layer → routers — so a node accepts links from the layer before it
 * only:
 *
 * <ul>
 *   <li>a mixnode of layer 0 from routers; of layer k &gt; 0 from the mixnodes of layer k − 1;
 *   <li>a router from the mixnodes of the last layer (exit requests and replies);
 *   <li>while mixnodes send loop cover ({@code mixing.coverMeanIntervalMillis} &gt; 0), the two
 *       edges a loop adds: any mixnode into layer 0 (a loop starts there) and the last layer into
 *       any mixnode (it ends at its sender).
 * </ul>
 *
 * A mixnode the topology does not list (being added or removed) has no layer to judge by and
 * accepts any node of the topology. Immutable.
 */
public final class LinkPeers {

  private final Map<Key32, String> allowed;
  private final Set<Key32> known;
  private final String where;

  private LinkPeers(Map<Key32, String> allowed, Set<Key32> known, String where) {
    this.allowed = Map.copyOf(allowed);
    this.known = Set.copyOf(known);
    this.where = where;
  }

  /** The peers that may send packets to mixnode {@code nodeId}. */
  public static LinkPeers intoMixnode(Topology topology, String nodeId) {
    Set<Key32> known = everyNode(topology);
    List<Layer> layers = topology.layers();
    int layer = -1;
    for (int i = 0; i < layers.size() && layer < 0; i++) {
      for (MixnodeEntry node : layers.get(i).mixnodes()) {
        if (node.id().equals(nodeId)) {
          layer = i;
        }
      }
    }
    Map<Key32, String> allowed = new HashMap<>();
    if (layer < 0) {
      addRouters(topology, allowed);
      layers.forEach(l -> addLayer(l, allowed));
      return new LinkPeers(allowed, known, "unlisted mixnode " + nodeId);
    }
    boolean loops = topology.mixing().coverMeanIntervalMillis() > 0;
    if (layer == 0) {
      addRouters(topology, allowed);
      if (loops) {
        layers.forEach(l -> addLayer(l, allowed));
      }
    } else {
      addLayer(layers.get(layer - 1), allowed);
      if (loops) {
        addLayer(layers.getLast(), allowed);
      }
    }
    return new LinkPeers(allowed, known, "layer " + layer + " mixnode " + nodeId);
  }

  /** The peers that may send packets to a router: the last layer's mixnodes. */
  public static LinkPeers intoRouter(Topology topology) {
    Map<Key32, String> allowed = new HashMap<>();
    if (!topology.layers().isEmpty()) {
      addLayer(topology.layers().getLast(), allowed);
    }
    return new LinkPeers(allowed, everyNode(topology), "router");
  }

  /**
   * The peers a node may open a link to: any node of the topology. Which one it reached is checked
   * after the handshake against {@link #listedAt}.
   */
  public static LinkPeers anyNode(Topology topology) {
    Map<Key32, String> allowed = new HashMap<>();
    addRouters(topology, allowed);
    topology.layers().forEach(l -> addLayer(l, allowed));
    return new LinkPeers(allowed, allowed.keySet(), "outbound");
  }

  /**
   * The identities the topology lists at packet address {@code host:port} (normally one): the nodes
   * a link to that address may reach.
   */
  public static Set<Key32> listedAt(Topology topology, String host, int port) {
    Set<Key32> found = new HashSet<>();
    for (Layer layer : topology.layers()) {
      for (MixnodeEntry node : layer.mixnodes()) {
        if (sameAddress(node.address(), host, port)) {
          found.add(node.ed25519());
        }
      }
    }
    for (RouterNode router : topology.routers()) {
      if (sameAddress(router.packetAddress(), host, port)) {
        found.add(router.ed25519());
      }
    }
    return found;
  }

  /** Why {@code peer} may not send here, or empty when it may. */
  public Optional<LinkRefusal> judge(Key32 peer) {
    if (allowed.containsKey(peer)) {
      return Optional.empty();
    }
    return Optional.of(known.contains(peer) ? LinkRefusal.WRONG_LAYER : LinkRefusal.UNKNOWN_PEER);
  }

  /**
   * Passes when {@code peer} may send here.
   *
   * @throws LinkRefusedException with the reason otherwise; the message names the peer's public key
   *     and this node's place, nothing secret
   */
  public void check(Key32 peer) throws LinkRefusedException {
    Optional<LinkRefusal> refusal = judge(peer);
    if (refusal.isPresent()) {
      throw new LinkRefusedException(
          refusal.get(), "peer " + peer + " may not open a link to " + where);
    }
  }

  /** The node id of an allowed peer, or null. */
  public String nodeIdOf(Key32 peer) {
    return allowed.get(peer);
  }

  private static void addLayer(Layer layer, Map<Key32, String> into) {
    for (MixnodeEntry node : layer.mixnodes()) {
      into.put(node.ed25519(), node.id());
    }
  }

  private static void addRouters(Topology topology, Map<Key32, String> into) {
    for (RouterNode router : topology.routers()) {
      into.put(router.ed25519(), router.id());
    }
  }

  private static Set<Key32> everyNode(Topology topology) {
    Map<Key32, String> all = new HashMap<>();
    addRouters(topology, all);
    topology.layers().forEach(l -> addLayer(l, all));
    return all.keySet();
  }

  private static boolean sameAddress(String hostPort, String host, int port) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      return false;
    }
    String listedHost = hostPort.substring(0, colon);
    if (listedHost.startsWith("[") && listedHost.endsWith("]")) {
      listedHost = listedHost.substring(1, listedHost.length() - 1);
    }
    return listedHost.equalsIgnoreCase(host) && hostPort.substring(colon + 1).equals("" + port);
  }
}
