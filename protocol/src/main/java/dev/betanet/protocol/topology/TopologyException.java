package dev.betanet.protocol.topology;

/**
 * A topology document, or a node key file, that cannot be accepted. The {@link Kind} says why in a
 * form a program can count; the message says where, for a person.
 */
public final class TopologyException extends Exception {

  /** Each way a document can be wrong. */
  public enum Kind {
    /** Larger than {@link TopologyVerifier#MAX_DOCUMENT_BYTES}. */
    TOO_LARGE,
    /** Not JSON at all. */
    MALFORMED_JSON,
    /** JSON, but not a {@code {"topology": {...}, "signature": "..."}} envelope. */
    MALFORMED_ENVELOPE,
    /** No signature in the envelope. */
    UNSIGNED,
    /** A signature that is not 64 bytes of base64. */
    MALFORMED_SIGNATURE,
    /** The signature does not verify under the pinned operator key. */
    BAD_SIGNATURE,
    /** A document format version this code does not know. */
    UNSUPPORTED_VERSION,
    /** A field is missing, of the wrong type, out of range or inconsistent with another. */
    INVALID_FIELD,
    /** Correctly signed, but older than the topology in force (or last accepted, persisted). */
    STALE_EPOCH,
    /** Correctly signed, of the epoch in force (or last accepted), with other content. */
    EPOCH_CONFLICT,
    /** A node key file that cannot be read. */
    INVALID_KEY_FILE
  }

  private final Kind kind;

  public TopologyException(Kind kind, String message) {
    super(kind + ": " + message);
    this.kind = kind;
  }

  public TopologyException(Kind kind, String message, Throwable cause) {
    super(kind + ": " + message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
