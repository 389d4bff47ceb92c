package dev.betanet.router.state;

import java.util.Set;

/**
 * The words in the {@code outcome} label of {@code betanet_router_requests_total} that more than
 * one role decides on: the split applies the fallback policy to {@link #DOWNGRADE_REASONS} and
 * withholds it from {@link #WITHHELD_DOWNGRADE_REASONS}, and the metrics publish every reason of
 * both at zero from the start.
 */
public final class Outcomes {

  /** Served as asked. */
  public static final String OK = "ok";

  /** A failure of ours (the exit or backend answered with an error). */
  public static final String ERROR = "error";

  /** No usable node in a mix layer before any packet of the request left: nothing was sent. */
  public static final String UNAVAILABLE = "unavailable";

  /** No answer after the retries (or no path left for a retry once packets had left). */
  public static final String TIMEOUT = "timeout";

  /** A mixnet attempt the fallback policy moved to the tunnel. */
  public static final String DOWNGRADED = "downgraded";

  /**
   * Mixnet outcomes the fallback policy applies to: only failures decided before any packet left,
   * so that a resend over the tunnel (whose first message names this router) cannot be linked to a
   * request the exit or a mixnode already saw.
   */
  public static final Set<String> DOWNGRADE_REASONS = Set.of(UNAVAILABLE);

  /**
   * Mixnet outcomes that the fallback policy would once have downgraded and no longer does (the
   * request's packets had left): counted as withheld downgrades.
   */
  public static final Set<String> WITHHELD_DOWNGRADE_REASONS = Set.of(TIMEOUT);

  private Outcomes() {}
}
