package dev.betanet.protocol.link;

import java.util.LinkedHashSet;
import java.util.Objects;

/**
 * The bound on TLS handshakes a packet port has in progress at once. Every accepted TCP connection
 * is one until its handshake completes or fails (or Vert.x's handshake timeout closes it); each
 * holds an {@code SSLEngine} and, once a ClientHello arrived, key-exchange and signature work. A
 * connection beyond {@link #MAX} pushes out the <em>oldest</em> pending one, which is closed and
 * counted ({@link LinkRefusal#TOO_MANY_HANDSHAKES}): a node's own handshake finishes within a few
 * round trips, so it is never the oldest for long, while connections that stall their handshake (a
 * flood of idle sockets) push out each other. Refusing the newest instead would let such a flood
 * hold the port shut for a whole handshake timeout.
 *
 * <p>Thread-safe: connections run on different event loops.
 */
public final class PendingHandshakes {

  /** Handshakes in progress per packet port: far above what a layer's peers open at once. */
  public static final int MAX = 64;

  /** A pending handshake the bound may push out. */
  public interface Pending {
    /** Closes the connection (counted by the caller as {@link LinkRefusal#TOO_MANY_HANDSHAKES}). */
    void evict();
  }

  private final int max;
  private final LinkedHashSet<Pending> pending = new LinkedHashSet<>();

  public PendingHandshakes() {
    this(MAX);
  }

  /** A bound of {@code max} (tests use small ones). */
  public PendingHandshakes(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("the handshake bound must be positive, got " + max);
    }
    this.max = max;
  }

  /** A new connection's handshake begins; pushes out (evicts) the oldest beyond the bound. */
  public void begin(Pending handshake) {
    Objects.requireNonNull(handshake);
    Pending evicted = null;
    synchronized (this) {
      pending.add(handshake);
      if (pending.size() > max) {
        evicted = pending.removeFirst();
      }
    }
    if (evicted != null) {
      evicted.evict();
    }
  }

  /**
   * Its handshake completed, failed or its connection closed.
   *
   * @return false when it was no longer pending (pushed out earlier, or already ended)
   */
  public synchronized boolean end(Pending handshake) {
    return pending.remove(handshake);
  }

  /** Handshakes in progress now. */
  public synchronized int size() {
    return pending.size();
  }
}
