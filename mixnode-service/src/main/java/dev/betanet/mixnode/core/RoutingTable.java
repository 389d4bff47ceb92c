package dev.betanet.mixnode.core;

import dev.betanet.protocol.packet.NodeRef;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.Topology.MixnodeEntry;
import dev.betanet.protocol.topology.Topology.RouterNode;
import java.util.HashMap;
import java.util.Map;

/** Where each node named in a topology receives packets: mixnodes' and routers' packet ports. */
public final class RoutingTable {

  /** A {@code host:port} packet address. */
  public record Address(String host, int port) {
    static Address parse(String hostPort) {
      int colon = hostPort.lastIndexOf(':');
      String host = hostPort.substring(0, colon);
      // [::1]:1789 style IPv6 literals
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      return new Address(host, Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  private final Map<NodeRef, Address> addresses;

  private RoutingTable(Map<NodeRef, Address> addresses) {
    this.addresses = Map.copyOf(addresses);
  }

  /** Every mixnode and router of {@code topology}, by the id packets name them with. */
  public static RoutingTable of(Topology topology) {
    Map<NodeRef, Address> addresses = new HashMap<>();
    for (Topology.Layer layer : topology.layers()) {
      for (MixnodeEntry node : layer.mixnodes()) {
        addresses.put(NodeRef.ofIdentity(node.ed25519().bytes()), Address.parse(node.address()));
      }
    }
    for (RouterNode router : topology.routers()) {
      addresses.put(
          NodeRef.ofIdentity(router.ed25519().bytes()), Address.parse(router.packetAddress()));
    }
    return new RoutingTable(addresses);
  }

  /** The address of {@code hop}, or null when the topology does not name it. */
  public Address addressOf(NodeRef hop) {
    return addresses.get(hop);
  }

  public int size() {
    return addresses.size();
  }
}
