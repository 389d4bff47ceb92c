package dev.betanet.router.wire;

/**
 * Why a stream was reset: the one-byte payload of an RST frame, and the word it is counted under (a
 * metric label, so a bounded set). The entry turns the exit's reasons into the client's protocol: a
 * SOCKS5 reply code, an HTTP status for CONNECT.
 */
public enum StreamReset {
  ABORTED(1, "aborted"),
  NOT_DECLARED(2, "not_declared"),
  UNKNOWN_NAME(3, "unknown_name"),
  CONNECT_FAILED(4, "connect_failed"),
  TIMEOUT(5, "timeout"),
  IDLE(6, "idle"),
  OVERLOAD(7, "overload"),
  PROTOCOL(8, "protocol_error");

  private final int code;
  private final String word;

  StreamReset(int code, String word) {
    this.code = code;
    this.word = word;
  }

  public int code() {
    return code;
  }

  public String word() {
    return word;
  }

  /** The reason of a received RST; an unknown code reads as {@link #PROTOCOL}. */
  public static StreamReset of(int code) {
    for (StreamReset r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    return PROTOCOL;
  }
}
