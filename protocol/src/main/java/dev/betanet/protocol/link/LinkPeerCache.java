package dev.betanet.protocol.link;

import dev.betanet.protocol.topology.Topology;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@link LinkPeers} of the topology in force, computed once per topology document rather than
 * on every handshake. Any thread.
 */
public final class LinkPeerCache {

  private record Cached(Topology topology, LinkPeers peers) {}

  private final Supplier<Topology> topology;
  private final Function<Topology, LinkPeers> compute;
  private volatile Cached cached;

  /**
   * @param topology the topology in force, or null before one is loaded
   * @param compute the peers a topology admits
   */
  public LinkPeerCache(Supplier<Topology> topology, Function<Topology, LinkPeers> compute) {
    this.topology = topology;
    this.compute = compute;
  }

  /** The peers of the topology in force, or null when none is loaded. */
  public LinkPeers get() {
    Topology now = topology.get();
    if (now == null) {
      return null;
    }
    Cached seen = cached;
    if (seen == null || seen.topology() != now) {
      seen = new Cached(now, compute.apply(now));
      cached = seen;
    }
    return seen.peers();
  }
}
