package dev.betanet.router.exit;

import dev.betanet.protocol.packet.Surb;
import dev.betanet.router.state.RouterMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SURBs that arrived before any fragment of their request: the entry sends request fragments and
 * SURBS messages at once over independent paths, so SURBs often win the race. They wait here, apart
 * from the exit's requests, until the request's first fragment arrives. A SURBS message with an
 * unknown id therefore creates no request and cannot push out a remembered one; at most {@code
 * maxIds} ids wait here, the oldest dropped first and counted ({@code early_surbs_dropped}).
 *
 * <p>Not thread-safe: used under the {@link ExitHandler}'s lock.
 */
final class EarlySurbs {

  private final int maxIds;
  private final int maxPerId;
  private final RouterMetrics metrics;
  private final Map<Long, List<Surb>> waiting = new LinkedHashMap<>();

  EarlySurbs(int maxIds, int maxPerId, RouterMetrics metrics) {
    this.maxIds = maxIds;
    this.maxPerId = maxPerId;
    this.metrics = metrics;
  }

  void add(long requestId, List<Surb> surbs) {
    List<Surb> held = waiting.computeIfAbsent(requestId, id -> new ArrayList<>());
    for (Surb surb : surbs) {
      if (held.size() < maxPerId) {
        held.add(surb);
      }
    }
    var oldest = waiting.entrySet().iterator();
    while (waiting.size() > maxIds) {
      oldest.next();
      oldest.remove();
      metrics.refused("early_surbs_dropped");
    }
  }

  /** The SURBs waiting for {@code requestId}, now handed over (empty when none). */
  List<Surb> take(long requestId) {
    List<Surb> held = waiting.remove(requestId);
    return held == null ? List.of() : held;
  }

  int size() {
    return waiting.size();
  }
}
