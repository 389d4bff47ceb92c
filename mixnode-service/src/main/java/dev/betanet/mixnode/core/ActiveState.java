package dev.betanet.mixnode.core;

import dev.betanet.protocol.mixing.ExponentialDelay;
import dev.betanet.protocol.node.NodeFiles;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.Topology;

/**
 * Everything a packet needs from the node's current configuration, swapped as one immutable value
 * on every accepted reload, so a packet never sees keys of one version and routes of another.
 *
 * @param maxHopDelayMillis the longest per-hop delay this node holds a packet for under the
 *     topology's mixing mean ({@link ExponentialDelay#ceilingMillis}); longer is refused
 */
public record ActiveState(
    NodeFiles.State files, HopProcessor processor, RoutingTable routes, long maxHopDelayMillis) {

  /**
   * The state for {@code files} processed by {@code processor}. The delay ceiling is taken against
   * {@link ReplayWindow#DEFAULT}, the window of the node's replay filter.
   */
  public static ActiveState of(NodeFiles.State files, HopProcessor processor) {
    Topology topology = files.topology();
    return new ActiveState(
        files,
        processor,
        RoutingTable.of(topology),
        ExponentialDelay.ceilingMillis(topology.mixing().meanDelayMillis(), ReplayWindow.DEFAULT));
  }

  public Topology topology() {
    return files.topology();
  }

  public int packetSize() {
    return files.topology().packetSize();
  }
}
