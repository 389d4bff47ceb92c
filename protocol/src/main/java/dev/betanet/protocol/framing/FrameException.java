package dev.betanet.protocol.framing;

/**
 * A framing violation on a stream: the connection that produced it should be closed. Expected from
 * bad peers; never fatal to the node.
 */
public final class FrameException extends Exception {

  private static final long serialVersionUID = 1L;

  /** What was wrong with the frame. */
  public enum Kind {
    /** The length prefix exceeds the limit. */
    TOO_LONG,
    /** The length prefix is zero or negative (top bit set). */
    EMPTY_OR_NEGATIVE,
    /** The stream ended inside a length prefix or a frame body. */
    TRUNCATED
  }

  private final Kind kind;

  public FrameException(Kind kind, String message) {
    super(kind + ": " + message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
