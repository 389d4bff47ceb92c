package dev.betanet.router.tcpexit;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams of one id space at the exit: the mixnet's (ids chosen by any entry, secret inside
 * packets), or one tunnel connection's (ids scoped to that authenticated connection). A stream's id
 * is remembered for a while after it ends (at most {@link #REMEMBERED_CLOSED}), so a late copy of
 * its OPEN cannot connect the backend a second time. The closed ids are guarded by the owning
 * {@link StreamExit}'s lock.
 */
final class StreamTable {

  private static final int REMEMBERED_CLOSED = 16_384;

  final Map<Long, ExitStream> streams = new ConcurrentHashMap<>();

  private final Map<Long, Boolean> closed =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
          return size() > REMEMBERED_CLOSED;
        }
      };

  /** Set when the tunnel connection of this table ended: nothing new is accepted on it. */
  volatile boolean gone;

  boolean wasClosed(long id) {
    return closed.containsKey(id);
  }

  void markClosed(long id) {
    closed.put(id, Boolean.TRUE);
  }

  Collection<ExitStream> all() {
    return streams.values();
  }
}
