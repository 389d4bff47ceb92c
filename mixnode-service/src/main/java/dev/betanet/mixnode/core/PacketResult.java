package dev.betanet.mixnode.core;

/**
 * What became of one received (or locally generated) packet: the {@code result} tag of {@code
 * betanet_mixnode_packets_total}. Every packet ends in exactly one of these.
 */
public enum PacketResult {
  /** Written to the next hop's connection. */
  FORWARDED("forwarded"),
  /**
   * This node was the last hop (a loop cover packet that came home, or drop cover addressed to it:
   * the node cannot tell them apart, which is the point of cover); consumed.
   */
  DELIVERED("delivered"),
  /** Its replay tag was seen before in the current window. */
  REPLAYED("replayed"),
  /** Right length, but it failed the MAC or header checks (forged or corrupted). */
  INVALID("invalid"),
  /** A frame whose length is not the topology's packet size; its connection is closed. */
  MALFORMED("malformed"),
  /** Its timestamp or key epoch lies outside the accepted window. */
  EXPIRED("expired"),
  /**
   * Its timestamp is older than this node process: the process before a restart may have forwarded
   * it, and the replay filter does not remember (docs/mixnode.md, Restarts).
   */
  BEFORE_START("before_start"),
  /**
   * Its sender asked for a per-hop delay above the ceiling the topology's mixing mean allows; held,
   * it would occupy the delay pool for up to 49 days (docs/mixnode.md, Delay ceiling).
   */
  DELAY_TOO_LONG("delay_too_long"),
  /** It names a key epoch this node holds no key for. */
  UNKNOWN_KEY("unknown_key"),
  /** Its next hop is not in the topology. */
  UNROUTABLE("unroutable"),
  /** The crypto queue (a loop's backlog) or the delay pool was full, in packets or in bytes. */
  DROPPED_OVERLOAD("dropped_overload"),
  /**
   * The next hop's bounded queue was full, or all next-hop queues held their memory bound (next
   * hops are down or slow).
   */
  DROPPED_UNREACHABLE("dropped_unreachable"),
  /** Still waiting when the drain time at shutdown ran out. */
  DROPPED_SHUTDOWN("dropped_shutdown");

  private final String tag;

  PacketResult(String tag) {
    this.tag = tag;
  }

  /** The Prometheus label value. */
  public String tag() {
    return tag;
  }
}
