package dev.betanet.protocol.metrics;

import dev.betanet.protocol.metrics.MetricName.Kind;

/**
 * Every metric name Betanet exports, defined once (docs/architecture.md fixes the public ones). The
 * services register {@link MetricName#meter()}; readers of a scrape use {@link
 * MetricName#prometheus()}.
 */
public final class MetricNames {

  // Router.
  /** Requests by {@code transport} and {@code outcome}. */
  public static final MetricName ROUTER_REQUESTS = counter("betanet.router.requests");

  /** Request latency histogram by {@code transport}. */
  public static final MetricName ROUTER_REQUEST_SECONDS = timer("betanet.router.request");

  /** Client connections by the {@code transport} drawn for them. */
  public static final MetricName ROUTER_FLOWS = counter("betanet.router.flows");

  /** Percent of new flows on the mixnet, from the topology. */
  public static final MetricName ROUTER_CANARY_WEIGHT = gauge("betanet.router.canary.weight");

  /** Requests the entry router is waiting on. */
  public static final MetricName ROUTER_INFLIGHT = gauge("betanet.router.inflight.requests");

  /** Request attempts after the first. */
  public static final MetricName ROUTER_RETRANSMISSIONS = counter("betanet.router.retransmissions");

  /** Reply blocks the entry made. */
  public static final MetricName ROUTER_SURBS = counter("betanet.router.surbs");

  /** Cover packets by {@code direction}. */
  public static final MetricName ROUTER_COVER_PACKETS = counter("betanet.router.cover.packets");

  /** Mixnet attempts moved to the tunnel, by {@code reason}. */
  public static final MetricName ROUTER_DOWNGRADES = counter("betanet.router.downgrades");

  /**
   * Requests the fallback policy did not move to the tunnel because their packets had already left
   * through the mixnet, by {@code reason} (the mixnet outcome).
   */
  public static final MetricName ROUTER_DOWNGRADES_WITHHELD =
      counter("betanet.router.downgrades.withheld");

  /**
   * SURBs an exit asked for ({@code MORE_SURBS}) and the entry did not send, by {@code reason}:
   * {@code not_missing} (more than the response still needs), {@code repeated} (past the asks a
   * request may make).
   */
  public static final MetricName ROUTER_SURBS_REFUSED = counter("betanet.router.surbs.refused");

  /** Tunnel connection events by {@code role} and {@code event}. */
  public static final MetricName ROUTER_TUNNEL_CONNECTIONS =
      counter("betanet.router.tunnel.connections");

  /** Packets the router's packet port refused, by {@code reason}. */
  public static final MetricName ROUTER_PACKETS_REFUSED = counter("betanet.router.packets.refused");

  // Mixnode.
  /** Packets by {@code result}: forwarded, replayed, invalid, malformed, expired, … */
  public static final MetricName MIXNODE_PACKETS = counter("betanet.mixnode.packets");

  /** Packets waiting in the delay queue. */
  public static final MetricName MIXNODE_POOL_PACKETS = gauge("betanet.mixnode.pool.packets");

  /** Cover packets this node generated. */
  public static final MetricName MIXNODE_COVER_PACKETS = counter("betanet.mixnode.cover.packets");

  /** Bytes by {@code direction}. */
  public static final MetricName MIXNODE_BYTES = counter("betanet.mixnode.bytes");

  /** Time to peel one packet. */
  public static final MetricName MIXNODE_PROCESSING_SECONDS = timer("betanet.mixnode.processing");

  /** Open connections by {@code direction}. */
  public static final MetricName MIXNODE_CONNECTIONS = gauge("betanet.mixnode.connections");

  /** Packets waiting for a crypto worker. */
  public static final MetricName MIXNODE_CRYPTO_QUEUE =
      gauge("betanet.mixnode.crypto.queue.packets");

  /** Topology reloads the node refused. */
  public static final MetricName MIXNODE_RELOAD_REJECTED = gauge("betanet.mixnode.reload.rejected");

  private MetricNames() {}

  private static MetricName counter(String meter) {
    return new MetricName(meter, Kind.COUNTER);
  }

  private static MetricName gauge(String meter) {
    return new MetricName(meter, Kind.GAUGE);
  }

  private static MetricName timer(String meter) {
    return new MetricName(meter, Kind.TIMER);
  }
}
