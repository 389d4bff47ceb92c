package dev.betanet.router.entry;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Which mixnodes this router has reason to think are dropping packets. The topology's health flag
 * lags (the operator must notice first), so a router learns on its own: when an attempt gets no
 * answer in time, every node on its paths that has not carried a packet that was answered since the
 * attempt began becomes suspect for a while; an answered packet clears the nodes it crossed. Path
 * selection avoids suspects while other nodes remain, which is what makes a retransmission take a
 * fresh path around a dead node.
 */
public final class SuspectNodes {

  private final Duration suspicion;
  private final LongSupplier clock;
  private final Map<String, Long> confirmedAt = new ConcurrentHashMap<>();
  private final Map<String, Long> suspectUntil = new ConcurrentHashMap<>();

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
    }
  }

  /** An attempt begun at {@code startedAtMillis} over these nodes got no answer in time. */
  public void unanswered(Collection<String> nodeIds, long startedAtMillis) {
    long until = clock.getAsLong() + suspicion.toMillis();
    for (String id : nodeIds) {
      if (confirmedAt.getOrDefault(id, Long.MIN_VALUE) < startedAtMillis) {
        suspectUntil.put(id, until);
      }
    }
  }

  /** Ids suspected now. */
  public Set<String> current() {
    long now = clock.getAsLong();
    suspectUntil.values().removeIf(until -> until <= now);
    return suspectUntil.entrySet().stream()
        .filter(e -> e.getValue() > now)
        .map(Map.Entry::getKey)
        .collect(Collectors.toUnmodifiableSet());
  }
}
