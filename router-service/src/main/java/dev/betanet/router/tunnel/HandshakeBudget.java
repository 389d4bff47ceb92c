package dev.betanet.router.tunnel;

import dev.betanet.protocol.topology.Key32;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where tunnel handshakes wait, apart from the established tunnels, so strangers cannot crowd out
 * the routers of the topology. A connection that has not yet sent a hello naming a router of the
 * topology is anonymous: at most {@code maxAnonymous} of them wait, and a new one beyond that
 * pushes out the oldest (a router's connection sends its hello at once, so it is the newest, not
 * the oldest). A connection whose hello named a router waits for its confirmation in that router's
 * own queue of {@link #PER_ROUTER}: a stranger replaying a router's public hello can only push out
 * its own earlier copies there, never the anonymous queue's or another router's. Every handshake
 * also has a deadline (the channel's).
 *
 * <p>Thread-safe: connections run on different event loops.
 */
final class HandshakeBudget {

  /** Handshakes waiting for their confirmation per router identity the topology names. */
  static final int PER_ROUTER = 4;

  /** A waiting handshake the budget may push out. */
  interface Waiting {
    /** Closes the connection, counting {@code reason}; callable from any thread. */
    void evict(String reason);
  }

  private final int maxAnonymous;
  private final Deque<Waiting> anonymous = new ArrayDeque<>();
  private final Map<Key32, Deque<Waiting>> identified = new HashMap<>();

  HandshakeBudget(int maxAnonymous) {
    this.maxAnonymous = maxAnonymous;
  }

  /** A new connection; pushes out the oldest anonymous one beyond the budget. */
  void admit(Waiting connection) {
    Waiting evicted = null;
    synchronized (this) {
      anonymous.addLast(connection);
      if (anonymous.size() > maxAnonymous) {
        evicted = anonymous.pollFirst();
      }
    }
    if (evicted != null) {
      evicted.evict("handshake_evicted");
    }
  }

  /** Its hello named {@code router} of the topology: it waits in that router's queue now. */
  void identified(Waiting connection, Key32 router) {
    Waiting evicted = null;
    synchronized (this) {
      if (!anonymous.remove(connection)) {
        return; // pushed out meanwhile
      }
      Deque<Waiting> queue = identified.computeIfAbsent(router, k -> new ArrayDeque<>());
      queue.addLast(connection);
      if (queue.size() > PER_ROUTER) {
        evicted = queue.pollFirst();
      }
    }
    if (evicted != null) {
      evicted.evict("handshake_evicted");
    }
  }

  /** The handshake completed or the connection closed. */
  synchronized void done(Waiting connection) {
    if (anonymous.remove(connection)) {
      return;
    }
    var queues = identified.entrySet().iterator();
    while (queues.hasNext()) {
      Deque<Waiting> queue = queues.next().getValue();
      if (queue.remove(connection)) {
        if (queue.isEmpty()) {
          queues.remove();
        }
        return;
      }
    }
  }

  /** Handshakes waiting now, anonymous and identified. */
  synchronized int waiting() {
    return anonymous.size() + identified.values().stream().mapToInt(Deque::size).sum();
  }
}
