package dev.betanet.router.connect;

import dev.betanet.router.state.Outcomes;
import dev.betanet.router.wire.StreamReset;

/**
 * Why a stream could not open, in the words each client protocol has for it: a SOCKS5 reply code
 * (RFC 1928 section 6), an HTTP status for CONNECT, and a bounded reason word for the metrics.
 */
public final class StreamRefusal extends RuntimeException {

  /** SOCKS5 reply codes used here. */
  public static final int SOCKS_GENERAL_FAILURE = 0x01;

  public static final int SOCKS_NOT_ALLOWED = 0x02;
  public static final int SOCKS_NETWORK_UNREACHABLE = 0x03;
  public static final int SOCKS_HOST_UNREACHABLE = 0x04;
  public static final int SOCKS_CONNECTION_REFUSED = 0x05;
  public static final int SOCKS_COMMAND_NOT_SUPPORTED = 0x07;
  public static final int SOCKS_ADDRESS_TYPE_NOT_SUPPORTED = 0x08;

  private final String reason;
  private final int socksReply;
  private final int httpStatus;

  public StreamRefusal(String reason, int socksReply, int httpStatus, String message) {
    super(message, null, false, false);
    this.reason = reason;
    this.socksReply = socksReply;
    this.httpStatus = httpStatus;
  }

  /** The refusal the exit (or this entry) gave as a reset reason. */
  public StreamRefusal(StreamReset reset, String message) {
    this(
        reset.word(),
        switch (reset) {
          case NOT_DECLARED -> SOCKS_NOT_ALLOWED;
          case UNKNOWN_NAME, TIMEOUT -> SOCKS_HOST_UNREACHABLE;
          case CONNECT_FAILED -> SOCKS_CONNECTION_REFUSED;
          default -> SOCKS_GENERAL_FAILURE;
        },
        switch (reset) {
          case NOT_DECLARED -> 403;
          case TIMEOUT -> 504;
          case OVERLOAD -> 503;
          default -> 502;
        },
        message);
  }

  /** A destination this network never reaches (not a .fog name): the closed-network refusal. */
  public static StreamRefusal notAllowed(String message) {
    return new StreamRefusal("not_fog", SOCKS_NOT_ALLOWED, 403, message);
  }

  /**
   * The mixnet cannot carry a stream now (no usable node in a layer, or no topology yet): nothing
   * was sent, which is what lets the {@code fallback} policy move the stream to the tunnel.
   */
  public static StreamRefusal mixnetUnavailable(String message) {
    return new StreamRefusal(Outcomes.UNAVAILABLE, SOCKS_NETWORK_UNREACHABLE, 503, message);
  }

  /** Whether this is {@link #mixnetUnavailable}: refused before any packet left. */
  public boolean beforeAnyPacket() {
    return Outcomes.UNAVAILABLE.equals(reason);
  }

  /** The same refusal, with {@code more} added to its message. */
  public StreamRefusal saying(String more) {
    return new StreamRefusal(reason, socksReply, httpStatus, getMessage() + more);
  }

  public String reason() {
    return reason;
  }

  public int socksReply() {
    return socksReply;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
