package dev.betanet.protocol.link;

import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.Topology.Layer;
import dev.betanet.protocol.topology.Topology.MixnodeEntry;
import dev.betanet.protocol.topology.Topology.RouterNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The packet addresses a node sends its traffic to, by the topology in force: the links it opens
 * (and keeps open) as soon as a topology is applied, so that no packet pays a TLS handshake
 * (docs/protocol.md, "Cold links"). Packets move one way: a router sends only to the first layer
 * (requests, SURB replies and cover all start there), a mixnode of layer k to layer k + 1, the last
 * layer to the routers. Bounded by the topology: one layer, or the routers.
 */
public final class NextLayer {

  private NextLayer() {}

  /** Where a router's packets go: the first layer's nodes ({@code host:port}). */
  public static Set<String> fromRouter(Topology topology) {
    Set<String> addresses = new LinkedHashSet<>();
    if (!topology.layers().isEmpty()) {
      topology.layers().getFirst().mixnodes().forEach(n -> addresses.add(n.address()));
    }
    return addresses;
  }

  /**
   * Where mixnode {@code nodeId}'s forwarded packets go: the next layer's nodes, or the routers'
   * packet addresses from the last layer; none when the topology does not list the node (being
   * added or removed: it opens links on demand).
   */
  public static Set<String> fromMixnode(Topology topology, String nodeId) {
    List<Layer> layers = topology.layers();
    Set<String> addresses = new LinkedHashSet<>();
    for (int i = 0; i < layers.size(); i++) {
      for (MixnodeEntry node : layers.get(i).mixnodes()) {
        if (node.id().equals(nodeId)) {
          if (i + 1 < layers.size()) {
            layers.get(i + 1).mixnodes().forEach(n -> addresses.add(n.address()));
          } else {
            topology.routers().stream().map(RouterNode::packetAddress).forEach(addresses::add);
          }
          return addresses;
        }
      }
    }
    return addresses;
  }
}
