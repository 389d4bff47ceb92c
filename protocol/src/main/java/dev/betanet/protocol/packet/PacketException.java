package dev.betanet.protocol.packet;

/**
 * A packet (or SURB, or reply) that this node refuses. Bad input is expected: callers count it by
 * {@link #kind()} and drop the packet; it is never fatal. The message gives context ("got 1999
 * bytes, expected 2048") but never secret material.
 */
public final class PacketException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a packet was refused, in the order the checks run. */
  public enum Kind {
    /** Not exactly the geometry's packet size. */
    INVALID_LENGTH,
    /** The version byte is not {@link PacketGeometry#VERSION}. */
    UNKNOWN_VERSION,
    /** The key id names no key this node holds (retired or never known). */
    UNKNOWN_KEY,
    /** The ephemeral key is a low-order point (X25519 gave all zeros). */
    INVALID_KEY,
    /** The header MAC does not verify: tampered, or meant for another node or key. */
    INVALID_MAC,
    /** The routing command is unknown or its unused fields are not zero. */
    MALFORMED_COMMAND,
    /** The timestamp lies outside the replay window. */
    EXPIRED,
    /** This node has processed the packet before. */
    REPLAY,
    /**
     * The timestamp is older than the node process: it may have processed the packet before it
     * restarted, and no longer remembers.
     */
    BEFORE_START,
    /** The payload authenticator is wrong at the final hop: the payload was tampered with. */
    INVALID_PAYLOAD,
    /** A serialized SURB is malformed. */
    INVALID_SURB,
    /** A reply names a SURB whose keys the creator does not hold (used, expired or unknown). */
    UNKNOWN_SURB
  }

  private final Kind kind;

  public PacketException(Kind kind, String message) {
    super(kind + ": " + message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
