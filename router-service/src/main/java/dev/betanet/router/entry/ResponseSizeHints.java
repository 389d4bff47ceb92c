package dev.betanet.router.entry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many response packets an entry router expects from each .fog name, learned from the answers
 * it relayed, so it sends as many SURBs up front as a response needs and not a fixed number.
 *
 * <p>Each SURB costs the entry two X25519 per hop, which is most of its CPU for small requests; too
 * few cost the client one extra round trip through the mixnet ({@code MORE_SURBS}). So the
 * expectation follows a larger response at once and a smaller one slowly, one packet per answer: a
 * name whose answers vary is served at about its recent largest.
 *
 * <p>Thread-safe. The names are bounded by the topology's services; past {@link #MAX_NAMES} (a
 * topology that churns names) new names simply keep the default.
 */
final class ResponseSizeHints {

  static final int MAX_NAMES = 4096;

  private final int unknown;
  private final Map<String, Integer> packets = new ConcurrentHashMap<>();

  /**
   * @param unknown SURBs for a name with no answer seen yet
   */
  ResponseSizeHints(int unknown) {
    if (unknown < 1) {
      throw new IllegalArgumentException(
          "SURBs for an unknown name must be at least 1: " + unknown);
    }
    this.unknown = unknown;
  }

  /** SURBs to send up front with a request to {@code name}: its expected response packets. */
  int surbsFor(String name) {
    return packets.getOrDefault(name, unknown);
  }

  /** {@code name} answered in {@code responsePackets} packets. */
  void answered(String name, int responsePackets) {
    int observed = Math.max(1, responsePackets);
    if (packets.size() >= MAX_NAMES && !packets.containsKey(name)) {
      return;
    }
    packets.merge(name, observed, (old, now) -> now >= old ? now : old - 1);
  }
}
