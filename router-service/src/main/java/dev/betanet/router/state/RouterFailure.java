package dev.betanet.router.state;

/**
 * A request the router could not serve, with the HTTP status the client gets, the metrics outcome
 * ({@code rejected} for the client's own fault, another word for ours) and a one-line reason that
 * goes into {@code X-Betanet-Error}.
 */
public final class RouterFailure extends RuntimeException {

  private final int status;
  private final String outcome;

  public RouterFailure(int status, String outcome, String reason) {
    super(reason, null, false, false);
    this.status = status;
    this.outcome = outcome;
  }

  public int status() {
    return status;
  }

  public String outcome() {
    return outcome;
  }

  public static RouterFailure rejected(int status, String reason) {
    return new RouterFailure(status, "rejected", reason);
  }
}
