package dev.betanet.router.entry;

import dev.betanet.protocol.packet.SurbId;
import dev.betanet.protocol.packet.SurbSecrets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reply blocks this entry handed out and not yet seen back: each SURB's secrets (to open the
 * reply), its request, and the nodes of the SURB's path and of the forward packet that carried it
 * (both worked when a reply comes through it). A SURB is single-use: {@link #take} forgets it.
 */
final class SurbRegistry {

  /** What the entry keeps per SURB. */
  record SurbUse(long requestId, SurbSecrets secrets, List<String> nodes) {}

  private final Map<SurbId, SurbUse> surbs = new ConcurrentHashMap<>();

  void remember(SurbId id, SurbUse use) {
    surbs.put(id, use);
  }

  /** The SURB's record, removed: a second reply through the same SURB finds nothing. */
  Optional<SurbUse> take(SurbId id) {
    return Optional.ofNullable(surbs.remove(id));
  }

  /** Forgets SURBs of a finished request, which can no longer be answered through. */
  void forget(Collection<SurbId> ids) {
    ids.forEach(surbs::remove);
  }

  /** How many of {@code ids} were handed out and not yet seen back (or forgotten). */
  int outstanding(Collection<SurbId> ids) {
    int count = 0;
    for (SurbId id : ids) {
      if (surbs.containsKey(id)) {
        count++;
      }
    }
    return count;
  }

  int size() {
    return surbs.size();
  }
}
