package dev.betanet.router.entry;

import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.packet.PacketLinks;
import java.util.List;
import java.util.function.Supplier;

/**
 * Turns what the first-hop links learn into suspicion: a first hop that cannot be reached while
 * packets wait for it is avoided at once, without waiting for a round to time out, and no longer
 * once a link to it opens ({@link SuspectNodes#reachable}).
 */
public final class LinkSuspicion implements PacketLinks.Reachability {

  private final Supplier<Topology> topology;
  private final SuspectNodes suspects;

  /**
   * @param topology the topology in force, or null before the first one loaded
   */
  public LinkSuspicion(Supplier<Topology> topology, SuspectNodes suspects) {
    this.topology = topology;
    this.suspects = suspects;
  }

  @Override
  public void unreachable(String address) {
    suspects.unanswered(nodesAt(address), Long.MAX_VALUE);
  }

  @Override
  public void reachable(String address) {
    suspects.reachable(nodesAt(address));
  }

  /** The mixnodes the topology in force lists at {@code address}. */
  private List<String> nodesAt(String address) {
    Topology current = topology.get();
    if (current == null) {
      return List.of();
    }
    return current.layers().stream()
        .flatMap(layer -> layer.mixnodes().stream())
        .filter(node -> node.address().equals(address))
        .map(Topology.MixnodeEntry::id)
        .toList();
  }
}
