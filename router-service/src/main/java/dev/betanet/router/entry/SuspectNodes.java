package dev.betanet.router.entry;

import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.Topology.MixnodeEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which mixnodes this router has reason to think are dropping packets. The topology's health flag
 * lags (the operator must notice first), so a router learns on its own, and path selection avoids
 * suspects while other nodes remain, which is what makes a retransmission take a fresh path around
 * a dead node.
 *
 * <p>What the router learns from is also what an attacker can feed it: a node that drops the
 * packets it should pass to honest next hops makes those hops look dead, and if the router then
 * avoided them its paths would concentrate on the attacker's colluders (docs/anonymity.md, "Path
 * steering"). Hence three rules, in this order:
 *
 * <ol>
 *   <li><b>Alibis.</b> A node that carried an answered packet since a lost round began is not
 *       blamed for it, and an answered packet clears every node it crossed.
 *   <li><b>Corroboration.</b> A lost round is evidence against each node of its paths, recorded
 *       with the hop that handed the packet to it (the sending router for a path's first node). A
 *       node becomes suspect only when the evidence names {@link #CORROBORATION} different
 *       predecessors within the suspicion window: one predecessor dropping everything it should
 *       pass to a node cannot make it suspect on its own. A first hop that refuses our connection
 *       is direct evidence and is suspected at once, until a connection to it opens again: that
 *       evidence is about reaching the node, and is gone once it is reached. (Kept, a refusal while
 *       the cluster starts avoided a first-layer node for the whole suspicion window, so every path
 *       crossed the other one, the next layer's losses all came through one predecessor, and a dead
 *       node there could never be corroborated.)
 *   <li><b>A cap.</b> {@link #avoidable} never lists more than half of a layer's healthy nodes
 *       (rounded down): however the evidence was made, paths keep at least half of every layer to
 *       choose from. The suspects kept are those with the freshest evidence.
 * </ol>
 */
public final class SuspectNodes {

  /** Different predecessors a node's losses must come through before it is suspect. */
  static final int CORROBORATION = 2;

  private final Duration suspicion;
  private final LongSupplier clock;
  private final Map<String, Long> confirmedAt = new ConcurrentHashMap<>();
  private final Map<String, Long> suspectUntil = new ConcurrentHashMap<>();
  private final Map<String, Long> unreachableUntil = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Long>> lossesVia = new ConcurrentHashMap<>();

  public SuspectNodes(Duration suspicion, LongSupplier clockMillis) {
    this.suspicion = suspicion;
    this.clock = clockMillis;
  }

  /** Nodes that carried a packet that was answered. */
  public void confirm(Collection<String> nodeIds) {
    long now = clock.getAsLong();
    for (String id : nodeIds) {
      confirmedAt.put(id, now);
      suspectUntil.remove(id);
      unreachableUntil.remove(id);
      lossesVia.remove(id);
    }
  }

  /**
   * A connection to the nodes opened: what {@link #unanswered} held against them is gone. Evidence
   * from lost rounds stays: a node that can be reached may still drop what it receives.
   */
  public void reachable(Collection<String> nodeIds) {
    nodeIds.forEach(unreachableUntil::remove);
  }

  /**
   * A round begun at {@code startedAtMillis} got no answer in time.
   *
   * @param paths each path the round's packets took: the sender (a router id) first, then the mix
   *     nodes in order
   */
  public synchronized void lost(Collection<List<String>> paths, long startedAtMillis) {
    long now = clock.getAsLong();
    Set<String> blamed = new HashSet<>();
    for (List<String> path : paths) {
      for (int i = 1; i < path.size(); i++) {
        String node = path.get(i);
        if (confirmedAt.getOrDefault(node, Long.MIN_VALUE) >= startedAtMillis) {
          continue; // it carried an answered packet since the round began: an alibi
        }
        lossesVia.computeIfAbsent(node, k -> new ConcurrentHashMap<>()).put(path.get(i - 1), now);
        blamed.add(node);
      }
    }
    long expired = now - suspicion.toMillis();
    lossesVia.values().forEach(via -> via.values().removeIf(at -> at <= expired));
    lossesVia.values().removeIf(Map::isEmpty);
    for (String node : blamed) {
      Map<String, Long> via = lossesVia.get(node);
      if (via != null && via.size() >= CORROBORATION) {
        suspect(node, now);
      }
    }
  }

  /**
   * Direct evidence: the nodes could not be reached at all (a refused connection to a first hop).
   * They are suspected at once unless they carried an answered packet since {@code
   * startedAtMillis}.
   */
  public void unanswered(Collection<String> nodeIds, long startedAtMillis) {
    long now = clock.getAsLong();
    for (String id : nodeIds) {
      if (confirmedAt.getOrDefault(id, Long.MIN_VALUE) < startedAtMillis) {
        unreachableUntil.put(id, now + suspicion.toMillis());
      }
    }
  }

  private void suspect(String node, long now) {
    suspectUntil.put(node, now + suspicion.toMillis());
  }

  /** Ids suspected now (before the per-layer cap). */
  public Set<String> current() {
    long now = clock.getAsLong();
    suspectUntil.values().removeIf(until -> until <= now);
    unreachableUntil.values().removeIf(until -> until <= now);
    return Stream.concat(suspectUntil.keySet().stream(), unreachableUntil.keySet().stream())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** When the freshest evidence against {@code id} expires. */
  private long suspectedUntil(String id) {
    return Math.max(suspectUntil.getOrDefault(id, 0L), unreachableUntil.getOrDefault(id, 0L));
  }

  /**
   * The suspects path selection may avoid in {@code topology}: per layer, at most half of its
   * healthy nodes (rounded down), those with the freshest evidence.
   */
  public Set<String> avoidable(Topology topology) {
    Set<String> now = current();
    if (now.isEmpty()) {
      return now;
    }
    Set<String> avoid = new HashSet<>();
    for (Topology.Layer layer : topology.layers()) {
      List<MixnodeEntry> healthy = layer.mixnodes().stream().filter(MixnodeEntry::healthy).toList();
      List<String> suspected = new ArrayList<>();
      for (MixnodeEntry node : healthy) {
        if (now.contains(node.id())) {
          suspected.add(node.id());
        }
      }
      // Freshest evidence first: a node avoided since an old suspicion is never on a path, so it
      // is never cleared, and must not keep a newly dead node of its layer in use until it expires.
      suspected.sort(
          Comparator.comparingLong((String id) -> -suspectedUntil(id)).thenComparing(id -> id));
      avoid.addAll(suspected.subList(0, Math.min(suspected.size(), healthy.size() / 2)));
    }
    return Set.copyOf(avoid);
  }
}
