package dev.betanet.router.entry;

import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.Topology.MixnodeEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Picks one mixnode per layer. Rules, in order of strength: never a node the topology marks
 * unhealthy; never two nodes of one family, nor two of one non-empty zone, in a path (so one
 * operator or one failure zone never sees two hops of a packet); avoid nodes this router suspects
 * (see {@link SuspectNodes}, at most half of a layer) unless that leaves a layer with no candidate.
 * Uniformly random among what is left, so paths do not favour any node.
 *
 * <p>Every packet this router originates takes its path from {@link #select(Topology)}: requests,
 * SURBs and loop cover alike. Were cover to choose differently (it once ignored the suspects), an
 * observer could tell real packets from cover by the nodes they avoid.
 */
public final class PathSelector {

  private final RandomGenerator random;
  private final SuspectNodes suspects;

  public PathSelector(RandomGenerator random, SuspectNodes suspects) {
    this.random = random;
    this.suspects = suspects;
  }

  /** A path through every layer, or empty when the rules leave some layer without a node. */
  public Optional<List<MixnodeEntry>> select(Topology topology) {
    return select(topology, suspects.avoidable(topology));
  }

  /**
   * A path through every layer, or empty when the rules leave some layer without a node.
   *
   * @param avoid node ids to skip when an alternative exists
   */
  Optional<List<MixnodeEntry>> select(Topology topology, Set<String> avoid) {
    Optional<List<MixnodeEntry>> preferred = select(topology, avoid, true);
    return preferred.isPresent() ? preferred : select(topology, avoid, false);
  }

  private Optional<List<MixnodeEntry>> select(
      Topology topology, Set<String> avoid, boolean strictAvoid) {
    List<MixnodeEntry> path = new ArrayList<>();
    Set<String> families = new HashSet<>();
    Set<String> zones = new HashSet<>();
    for (Topology.Layer layer : topology.layers()) {
      List<MixnodeEntry> candidates = new ArrayList<>();
      List<MixnodeEntry> fallback = new ArrayList<>();
      for (MixnodeEntry node : layer.mixnodes()) {
        if (!node.healthy()
            // An empty family is no family (as an empty zone is no zone).
            || (!node.family().isEmpty() && families.contains(node.family()))
            || (!node.zone().isEmpty() && zones.contains(node.zone()))) {
          continue;
        }
        (avoid.contains(node.id()) ? fallback : candidates).add(node);
      }
      if (candidates.isEmpty() && !strictAvoid) {
        candidates = fallback;
      }
      if (candidates.isEmpty()) {
        return Optional.empty();
      }
      MixnodeEntry chosen = candidates.get(random.nextInt(candidates.size()));
      path.add(chosen);
      families.add(chosen.family());
      if (!chosen.zone().isEmpty()) {
        zones.add(chosen.zone());
      }
    }
    return topology.layers().isEmpty() ? Optional.empty() : Optional.of(path);
  }
}
