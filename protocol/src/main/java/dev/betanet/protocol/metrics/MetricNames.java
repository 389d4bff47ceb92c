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

  /** Requests whose exit restarted in flight, by {@code action}: resent or failed. */
  public static final MetricName ROUTER_EXIT_RESTARTS = counter("betanet.router.exit.restarts");

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

  /** Proxy connections and requests refused before a transport saw them, by {@code reason}. */
  public static final MetricName ROUTER_PROXY_REFUSED = counter("betanet.router.proxy.refused");

  /** Key/topology updates the router refused or could not apply (the mixnode's equivalent). */
  public static final MetricName ROUTER_RELOAD_REJECTED = gauge("betanet.router.reload.rejected");

  /** Packets waiting in the router's send queue for a departure slot. */
  public static final MetricName ROUTER_SEND_QUEUE_PACKETS =
      gauge("betanet.router.send.queue.packets");

  /**
   * Departure slots of the send queue by {@code kind}: {@code real} (a queued packet left), {@code
   * cover} (the queue was empty: a cover packet left), {@code empty} (no cover packet could be
   * made, nothing left), {@code unpaced} (send rate 0: a packet left at once, no slot).
   */
  public static final MetricName ROUTER_SEND_SLOTS = counter("betanet.router.send.slots");

  /** Packets the send queue refused, by {@code reason} ({@code full}). */
  public static final MetricName ROUTER_SEND_QUEUE_REFUSED =
      counter("betanet.router.send.queue.refused");

  /** Time a real packet waited in the send queue (histogram). */
  public static final MetricName ROUTER_SEND_QUEUE_WAIT = timer("betanet.router.send.queue.wait");

  /**
   * Node-to-node TLS links the router refused or closed, by {@code reason} ({@code
   * dev.betanet.protocol.link.LinkRefusal}).
   */
  public static final MetricName ROUTER_LINKS_REFUSED = counter("betanet.router.links.refused");

  /** Outbound packet links open now (to the first layer, opened when a topology is applied). */
  public static final MetricName ROUTER_LINKS_OPEN = gauge("betanet.router.links.open");

  /**
   * Outbound packet links that failed to open (connect or TLS handshake failed, or the wrong node
   * answered), those opened ahead of traffic at a topology change included.
   */
  public static final MetricName ROUTER_LINK_FAILURES = counter("betanet.router.link.failures");

  /**
   * The same updates by {@code reason} (NodeFiles.REJECTION_REASONS: {@code stale_epoch}, {@code
   * epoch_conflict}, {@code bad_signature}, {@code not_applied}, ...).
   */
  public static final MetricName ROUTER_RELOAD_REFUSED = counter("betanet.router.reload.refused");

  /** Streams (SOCKS5 / CONNECT) open now, by {@code role} (entry, exit). */
  public static final MetricName ROUTER_STREAMS_OPEN = gauge("betanet.router.streams.open");

  /** Streams ended, by {@code role}, {@code transport} and {@code outcome}: one per stream. */
  public static final MetricName ROUTER_STREAMS = counter("betanet.router.streams");

  /** Stream payload bytes by {@code role}, {@code direction} (sent, received) and transport. */
  public static final MetricName ROUTER_STREAM_BYTES = counter("betanet.router.stream.bytes");

  /** Stream segments sent again after a loss was presumed, by {@code role}. */
  public static final MetricName ROUTER_STREAM_RETRANSMISSIONS =
      counter("betanet.router.stream.retransmissions");

  /** Sum of the congestion windows of open streams, in segments, by {@code role}. */
  public static final MetricName ROUTER_STREAM_WINDOW_SEGMENTS =
      gauge("betanet.router.stream.window.segments");

  /** Stream bytes held in send and receive buffers, by {@code role} and {@code buffer}. */
  public static final MetricName ROUTER_STREAM_BUFFERED_BYTES =
      gauge("betanet.router.stream.buffered.bytes");

  /** SOCKS5 and CONNECT requests refused before a stream opened, by {@code listener}, reason. */
  public static final MetricName ROUTER_CONNECT_REFUSED = counter("betanet.router.connect.refused");

  // Mixnode.
  /** Packets by {@code result}: forwarded, replayed, invalid, malformed, expired, … */
  public static final MetricName MIXNODE_PACKETS = counter("betanet.mixnode.packets");

  /** Packets waiting in the delay queue. */
  public static final MetricName MIXNODE_POOL_PACKETS = gauge("betanet.mixnode.pool.packets");

  /**
   * Mean Shannon entropy of a departure from the delay pool over a sliding window, in bits
   * (docs/anonymity.md).
   */
  public static final MetricName MIXNODE_DEPARTURE_ENTROPY_BITS =
      gauge("betanet.mixnode.departure.entropy.bits");

  /** Packets in the delay pool, time-averaged over the same window. */
  public static final MetricName MIXNODE_POOL_MEAN_PACKETS =
      gauge("betanet.mixnode.pool.mean.packets");

  /** Cover packets this node generated. */
  public static final MetricName MIXNODE_COVER_PACKETS = counter("betanet.mixnode.cover.packets");

  /** Bytes by {@code direction}. */
  public static final MetricName MIXNODE_BYTES = counter("betanet.mixnode.bytes");

  /** Time to peel one packet. */
  public static final MetricName MIXNODE_PROCESSING_SECONDS = timer("betanet.mixnode.processing");

  /** Time a packet waited between its socket read and the start of its processing. */
  public static final MetricName MIXNODE_BACKLOG_WAIT_SECONDS =
      timer("betanet.mixnode.backlog.wait");

  /** Open connections by {@code direction}. */
  public static final MetricName MIXNODE_CONNECTIONS = gauge("betanet.mixnode.connections");

  /** Packets waiting for a crypto worker. */
  public static final MetricName MIXNODE_CRYPTO_QUEUE =
      gauge("betanet.mixnode.crypto.queue.packets");

  /** Bytes of packets waiting in the node's next-hop queues, all loops and hops. */
  public static final MetricName MIXNODE_NEXT_HOP_QUEUE_BYTES =
      gauge("betanet.mixnode.next.hop.queue.bytes");

  /** Topology reloads the node refused. */
  public static final MetricName MIXNODE_RELOAD_REJECTED = gauge("betanet.mixnode.reload.rejected");

  /**
   * Node-to-node TLS links the mixnode refused or closed, by {@code reason} ({@code
   * dev.betanet.protocol.link.LinkRefusal}).
   */
  public static final MetricName MIXNODE_LINKS_REFUSED = counter("betanet.mixnode.links.refused");

  /**
   * Outbound packet links that failed to open (connect or TLS handshake failed, or the wrong node
   * answered), those opened ahead of traffic at a topology change included.
   */
  public static final MetricName MIXNODE_LINK_FAILURES = counter("betanet.mixnode.link.failures");

  /** The same updates by {@code reason} (NodeFiles.REJECTION_REASONS). */
  public static final MetricName MIXNODE_RELOAD_REFUSED = counter("betanet.mixnode.reload.refused");

  // Operator: every series carries {@code namespace} and {@code cluster} (the MixnetCluster).
  /** The canary weight in force (published in the topology). */
  public static final MetricName OPERATOR_CANARY_WEIGHT = gauge("betanet.operator.canary.weight");

  /** {@code spec.canary.weight}: where the canary is headed. */
  public static final MetricName OPERATOR_CANARY_DESIRED_WEIGHT =
      gauge("betanet.operator.canary.desired.weight");

  /** 1 for the canary's {@code phase} (Idle, Progressing, Paused, Promoted, RolledBack), else 0. */
  public static final MetricName OPERATOR_CANARY_PHASE = gauge("betanet.operator.canary.phase");

  /** The last analysis of each step ({@code weight}): mixnet error rate, 0..1. */
  public static final MetricName OPERATOR_ANALYSIS_ERROR_RATE =
      gauge("betanet.operator.canary.analysis.error.rate");

  /** The last analysis of each step ({@code weight}): mixnet p95 latency; NaN when unknown. */
  public static final MetricName OPERATOR_ANALYSIS_P95_SECONDS =
      gauge("betanet.operator.canary.analysis.p95.seconds");

  /** The last analysis of each step ({@code weight}): mixnet requests judged. */
  public static final MetricName OPERATOR_ANALYSIS_SAMPLES =
      gauge("betanet.operator.canary.analysis.samples");

  /** The last analysis of each step ({@code weight}): 1, labelled with its {@code verdict}. */
  public static final MetricName OPERATOR_ANALYSIS_VERDICT =
      gauge("betanet.operator.canary.analysis.verdict");

  /** Canary rollbacks the operator made. */
  public static final MetricName OPERATOR_ROLLBACKS = counter("betanet.operator.canary.rollbacks");

  /** Reconciliations by {@code result}: ok, invalid_spec, failed. */
  public static final MetricName OPERATOR_RECONCILIATIONS =
      counter("betanet.operator.reconciliations");

  /** Packet key rotations handed out. */
  public static final MetricName OPERATOR_KEY_ROTATIONS = counter("betanet.operator.key.rotations");

  /** The newest packet key epoch. */
  public static final MetricName OPERATOR_KEY_EPOCH = gauge("betanet.operator.key.epoch");

  /** The epoch of the topology last published. */
  public static final MetricName OPERATOR_TOPOLOGY_EPOCH = gauge("betanet.operator.topology.epoch");

  /** 1 when this operator replica may act (holds the leader Lease, or election is off), else 0. */
  public static final MetricName OPERATOR_LEADER = gauge("betanet.operator.leader");

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
