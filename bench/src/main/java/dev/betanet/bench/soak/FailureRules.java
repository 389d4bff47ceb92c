package dev.betanet.bench.soak;

import dev.betanet.bench.soak.Chaos.Event;
import dev.betanet.bench.soak.SoakLoad.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * Which failed requests the design allows under the soak's chaos (docs/router.md, "Failure
 * handling" and "Limits and error statuses"), each failure given the rule that allows it or none:
 *
 * <ul>
 *   <li>{@code router restart}: anything between a router kill and {@link #ROUTER_GRACE_MILLIS}
 *       after that router is ready again. The router is the only entry and exit: requests in flight
 *       die with it, and until it is back the proxy port has no ready pod behind it.
 *   <li>{@code mixnet timeout}: a 504 {@code timeout} on the mixnet. Mixnodes are killed with
 *       packets in their queues; the entry retransmits, but a request whose packets left and got no
 *       answer after its attempts fails and is never downgraded (it could deanonymise the sender).
 * </ul>
 *
 * Everything else is unexpected: no failure may come from a key rotation, a canary weight move or
 * an operator restart, and with {@code fallbackPolicy: fallback} a mixnet without a path downgrades
 * to the tunnel instead of failing.
 */
final class FailureRules {

  static final long ROUTER_GRACE_MILLIS = 10_000;
  static final String ROUTER_RESTART = "router restart";
  static final String MIXNET_TIMEOUT = "mixnet timeout";

  private record Window(long from, long to) {}

  private final List<Window> routerDown = new ArrayList<>();

  FailureRules(List<Event> events, long endMillis) {
    Long killed = null;
    for (Event e : events) {
      if (e.action().equals(Chaos.ROUTER_KILLED)) {
        killed = e.atMillis();
      } else if (e.action().startsWith(Chaos.ROUTER_READY) && killed != null) {
        routerDown.add(new Window(killed, e.atMillis() + ROUTER_GRACE_MILLIS));
        killed = null;
      }
    }
    if (killed != null) {
      routerDown.add(new Window(killed, endMillis)); // never came back: the soak fails elsewhere
    }
  }

  /** The rule allowing this failed request, or null when none does. */
  String allowedBy(Outcome failure) {
    long at = failure.atMillis();
    long end = at + failure.latencyNanos() / 1_000_000;
    for (Window w : routerDown) {
      if (end >= w.from() && at <= w.to()) {
        return ROUTER_RESTART;
      }
    }
    if ("mixnet".equals(failure.transport()) && failure.result().equals("status 504 timeout")) {
      return MIXNET_TIMEOUT;
    }
    return null;
  }
}
