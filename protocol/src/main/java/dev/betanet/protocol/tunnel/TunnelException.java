package dev.betanet.protocol.tunnel;

/** A tunnel handshake or frame that must be refused; the {@link Kind} says why. */
public final class TunnelException extends Exception {

  /** Each way a peer's message can be wrong. */
  public enum Kind {
    /** Wrong length, version or message type for this step of the handshake. */
    MALFORMED,
    /** The responder is not the router the initiator meant to reach. */
    UNEXPECTED_PEER,
    /** The initiator is not a router this responder accepts. */
    UNKNOWN_PEER,
    /** A handshake signature that does not verify: tampering or an impostor. */
    BAD_SIGNATURE,
    /** An ephemeral key that yields no shared secret (a low-order point). */
    WEAK_KEY,
    /** A frame whose authentication tag does not verify: tampered, replayed or reordered. */
    BAD_FRAME,
    /** A frame larger than the session's limit. */
    FRAME_TOO_LARGE,
    /** The session has sent or received the maximum number of frames; open a new one. */
    EXHAUSTED
  }

  private final Kind kind;

  public TunnelException(Kind kind, String message) {
    super(kind + ": " + message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
