package dev.betanet.mixnode.core;

/**
 * One hop of packet processing with one key ring: peel a layer, check integrity, refuse replays.
 * The seam between the mixnode's plumbing and the protocol library's packet code.
 *
 * <p>Called concurrently from every crypto thread; implementations are thread-safe. Bad input is
 * expected and becomes a {@link HopResult.Done} with the reason; it never throws for it.
 */
@FunctionalInterface
public interface HopProcessor {

  /**
   * @param packet exactly one packet of the topology's packet size; the processor may use it in
   *     place
   */
  HopResult process(byte[] packet);
}
