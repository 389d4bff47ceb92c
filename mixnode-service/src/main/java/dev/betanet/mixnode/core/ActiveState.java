package dev.betanet.mixnode.core;

import dev.betanet.protocol.node.NodeFiles;
import dev.betanet.protocol.topology.Topology;

/**
 * Everything a packet needs from the node's current configuration, swapped as one immutable value
 * on every accepted reload, so a packet never sees keys of one version and routes of another.
 */
public record ActiveState(NodeFiles.State files, HopProcessor processor, RoutingTable routes) {

  public Topology topology() {
    return files.topology();
  }

  public int packetSize() {
    return files.topology().packetSize();
  }
}
