package dev.betanet.router.entry;

import dev.betanet.router.state.RouterMetrics;

/**
 * How many SURBs the entry sends when an exit asks for more ({@code MORE_SURBS}).
 *
 * <p>Each SURB the entry sends costs it a packet for every two, at a moment the exit chooses: an
 * exit that could ask without limit could make an anonymous entry emit bursts on demand and watch
 * for them on the entry's links (docs/anonymity.md, "Bursts on demand"). So the entry gives no more
 * than the response still misses, and listens to at most {@link #MAX_ASKS} asks per request:
 *
 * <ul>
 *   <li>the response needs {@code target} SURBs: its fragment count once a fragment has told it,
 *       else the most a response within the size limit can take;
 *   <li>of those, {@code received} fragments are here and {@code outstanding} response SURBs are
 *       still out (handed out, not yet seen back): what is missing is the rest;
 *   <li>the grant is the smaller of what was asked and what is missing. A SURB lost in the mixnet
 *       still counts as outstanding; the entry's stall timer covers that case, on its own clock.
 * </ul>
 */
final class MoreSurbsGrant {

  /** Asks a request may make; an honest exit asks once per batch, and rarely needs a second. */
  static final int MAX_ASKS = 2;

  /**
   * @param granted SURBs to send
   * @param refused SURBs asked for (up to the per-request maximum) and not sent
   * @param reason why, one of {@link RouterMetrics}'s SURB refusal reasons (null when none refused)
   */
  record Decision(int granted, int refused, String reason) {}

  private MoreSurbsGrant() {}

  /**
   * @param asked the count in the exit's {@code MORE_SURBS}
   * @param askNumber 1 for the request's first ask, 2 for its second, …
   * @param target SURBs the whole response needs (see the class comment)
   * @param received distinct response fragments received
   * @param outstanding response SURBs handed out and not yet seen back, or about to be built
   * @param maxPerRequest the most response fragments a response within the size limit can take
   */
  static Decision decide(
      int asked, int askNumber, int target, int received, int outstanding, int maxPerRequest) {
    int wanted = Math.max(0, Math.min(asked, maxPerRequest));
    if (askNumber > MAX_ASKS) {
      return new Decision(0, wanted, RouterMetrics.SURBS_REPEATED);
    }
    int missing = Math.max(0, Math.min(target, maxPerRequest) - received - outstanding);
    int granted = Math.min(wanted, missing);
    int refused = wanted - granted;
    return new Decision(granted, refused, refused > 0 ? RouterMetrics.SURBS_NOT_MISSING : null);
  }
}
