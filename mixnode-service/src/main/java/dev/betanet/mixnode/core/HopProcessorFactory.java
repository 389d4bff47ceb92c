package dev.betanet.mixnode.core;

import dev.betanet.protocol.node.NodeFiles;

/**
 * Makes the processor for a newly loaded key ring and topology. Called on every accepted key or
 * topology change; state that must survive a reload (the replay filter above all, else a reload
 * would reopen the door to replays) lives in the factory, not in the processors it makes.
 */
@FunctionalInterface
public interface HopProcessorFactory {

  HopProcessor create(NodeFiles.State state);

  /**
   * The earliest packet timestamp the processors accept (ms since the Unix epoch): packets stamped
   * before the process started are refused after a restart (docs/mixnode.md, Restarts and replays).
   * {@link Long#MIN_VALUE} when there is no such bound.
   */
  default long acceptsStampsFromMillis() {
    return Long.MIN_VALUE;
  }
}
