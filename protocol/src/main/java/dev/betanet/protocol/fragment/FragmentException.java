package dev.betanet.protocol.fragment;

/** A fragment the reassembler refuses. Expected from bad or buggy peers; count and drop. */
public final class FragmentException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a fragment was refused. */
  public enum Kind {
    /** Shorter than the fragment header, or longer than a fragment can be. */
    MALFORMED,
    /** Count is zero or the index is not below it. */
    INVALID_INDEX,
    /** The message would exceed the reassembler's size limit. */
    TOO_LARGE,
    /**
     * Disagrees with earlier fragments of the same message (count, or a non-final fragment not
     * full).
     */
    INCONSISTENT
  }

  private final Kind kind;

  public FragmentException(Kind kind, String message) {
    super(kind + ": " + message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
