package dev.betanet.mixnode.core;

import dev.betanet.protocol.topology.NodeKeys;

/** Builds and opens test packets, and makes the nodes' processors. */
interface PacketKit {

  HopProcessorFactory processors();

  /**
   * A packet through mixnodes {@code path} (indices of {@link TestNet#keys}) to the sink, each hop
   * delayed {@code delayMillis}, the first hop encrypted to {@code firstHopKey}.
   */
  byte[] build(
      TestNet net, long delayMillis, byte[] payload, NodeKeys.EpochKey firstHopKey, int... path);

  default byte[] build(TestNet net, long delayMillis, byte[] payload, int... path) {
    return build(net, delayMillis, payload, net.keys.get(path[0]).current(), path);
  }

  /** The payload the sink gets from {@code arrived}, or null when it does not open. */
  byte[] open(TestNet net, byte[] arrived);
}
