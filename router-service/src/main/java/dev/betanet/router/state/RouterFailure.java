package dev.betanet.router.state;

/**
 * A request the router could not serve, with the HTTP status the client gets, the metrics outcome
 * ({@code rejected} for the client's own fault, another word for ours) and a one-line reason that
 * goes into {@code X-Betanet-Error}.
 */
public final class RouterFailure extends RuntimeException {

  private final int status;
  private final String outcome;
  private final String code;

  /** A failure whose reason code is its outcome word. */
  public RouterFailure(int status, String outcome, String reason) {
    this(status, outcome, outcome, reason);
  }

  /**
   * @param code the stable reason code clients see in {@code X-Betanet-Reason}
   * @param reason the one-line text for {@code X-Betanet-Error}: nothing internal (no address, no
   *     exception), since anonymous clients read it
   */
  public RouterFailure(int status, String outcome, String code, String reason) {
    super(reason, null, false, false);
    this.status = status;
    this.outcome = outcome;
    this.code = code;
  }

  /** The stable reason code. */
  public String code() {
    return code;
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

  public static RouterFailure rejected(int status, String code, String reason) {
    return new RouterFailure(status, "rejected", code, reason);
  }
}
