package dev.betanet.router.state;

import java.util.Set;

/**
 * The words in the {@code outcome} label of {@code betanet_router_requests_total} that more than
 * one role decides on: the split applies the fallback policy to {@link #DOWNGRADE_REASONS}, and the
 * metrics publish every downgrade reason at zero from the start.
 */
public final class Outcomes {

  /** Served as asked. */
  public static final String OK = "ok";

  /** A failure of ours (the exit or backend answered with an error). */
  public static final String ERROR = "error";

  /** No usable node in a mix layer: nothing was sent. */
  public static final String UNAVAILABLE = "unavailable";

  /** No answer after the retries. */
  public static final String TIMEOUT = "timeout";

  /** A mixnet attempt the fallback policy moved to the tunnel. */
  public static final String DOWNGRADED = "downgraded";

  /** Mixnet outcomes the fallback policy applies to. */
  public static final Set<String> DOWNGRADE_REASONS = Set.of(UNAVAILABLE, TIMEOUT);

  private Outcomes() {}
}
