package dev.betanet.mixnode.core;

import dev.betanet.protocol.packet.NodeRef;

/** What one hop of processing decided for a packet: a sealed type, not flags. */
public sealed interface HopResult {

  /**
   * Send {@code packet} to {@code next} after {@code delayMillis}.
   *
   * @param delayMillis the per-hop delay the sender chose (Poisson mixing), never negative
   * @param packet the processed packet, owned by the pipeline from here on
   */
  record Forward(NodeRef next, long delayMillis, byte[] packet) implements HopResult {}

  /** The packet ends here: consumed (delivered, cover) or refused (replayed, invalid, ...). */
  record Done(PacketResult result) implements HopResult {}
}
