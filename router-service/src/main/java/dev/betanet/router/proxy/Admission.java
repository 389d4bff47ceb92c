package dev.betanet.router.proxy;

import dev.betanet.protocol.memory.ByteBudget;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What proxy requests together may hold: how many are admitted at once (from their head to their
 * response) and how many request bytes they keep. A request is admitted, with the bytes its {@code
 * Content-Length} declares, before any of its body is read; a request without a length reserves its
 * bytes as they arrive. What does not fit is refused, never buffered, so a crowd of clients that
 * send most of a large body and stall holds at most {@code maxBytes} of this router's memory.
 *
 * <p>Thread-safe: requests of different connections may run on different event loops.
 */
final class Admission {

  /** Why a request could not be admitted or could not grow; the word is the metric's reason. */
  enum Refusal {
    IN_FLIGHT("in_flight"),
    PENDING_BYTES("pending_bytes");

    final String reason;

    Refusal(String reason) {
      this.reason = reason;
    }
  }

  private final int maxRequests;
  private final AtomicInteger requests = new AtomicInteger();
  private final ByteBudget bytes;

  Admission(int maxRequests, long maxBytes) {
    this.maxRequests = maxRequests;
    this.bytes = new ByteBudget(maxBytes);
  }

  /** One admitted request's share: release it exactly once, when its response is done. */
  final class Ticket {
    private long held;
    private boolean released;

    private Ticket(long held) {
      this.held = held;
    }

    /** Reserves {@code more} bytes as a body without a declared length arrives. */
    synchronized Refusal grow(long more) {
      if (released) {
        return null;
      }
      if (!bytes.tryTake(more)) {
        return Refusal.PENDING_BYTES;
      }
      held += more;
      return null;
    }

    synchronized void release() {
      if (released) {
        return;
      }
      released = true;
      bytes.release(held);
      requests.decrementAndGet();
    }
  }

  /** A ticket, or why there is none: exactly one is non-null. */
  record Decision(Ticket ticket, Refusal refusal) {}

  /** Admits a request declaring {@code declaredBytes} of body (0 when it declares none). */
  Decision admit(long declaredBytes) {
    if (requests.incrementAndGet() > maxRequests) {
      requests.decrementAndGet();
      return new Decision(null, Refusal.IN_FLIGHT);
    }
    if (!bytes.tryTake(declaredBytes)) {
      requests.decrementAndGet();
      return new Decision(null, Refusal.PENDING_BYTES);
    }
    return new Decision(new Ticket(declaredBytes), null);
  }

  /** Requests admitted now. */
  int requests() {
    return requests.get();
  }

  /** Request bytes reserved now. */
  long bytes() {
    return bytes.used();
  }
}
