package dev.betanet.protocol.framing;

/**
 * The wire framing: a 4-byte big-endian length, then that many bytes. Lengths are 1..{@link
 * #maxFrameBytes()}; anything else is a {@link FrameException} and the connection is closed.
 *
 * <p>Immutable and thread-safe.
 */
public final class FrameCodec {

  /** Bytes of the length prefix. */
  public static final int HEADER_BYTES = 4;

  private final int maxFrameBytes;

  /**
   * @param maxFrameBytes the longest frame body accepted, at least 1 (for packets: the packet size)
   */
  public FrameCodec(int maxFrameBytes) {
    if (maxFrameBytes < 1) {
      throw new IllegalArgumentException("the frame limit is at least 1, got " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /**
   * Validates the length prefix in {@code header[offset .. offset + 4)} and returns the body
   * length.
   *
   * @throws FrameException TOO_LONG or EMPTY_OR_NEGATIVE
   */
  public int bodyLength(byte[] header, int offset) throws FrameException {
    int length =
        ((header[offset] & 0xFF) << 24)
            | ((header[offset + 1] & 0xFF) << 16)
            | ((header[offset + 2] & 0xFF) << 8)
            | (header[offset + 3] & 0xFF);
    return validate(length);
  }

  /**
   * Validates a length read elsewhere (e.g. {@code Buffer.getInt(0)} in Vert.x).
   *
   * @throws FrameException TOO_LONG or EMPTY_OR_NEGATIVE
   */
  public int validate(int length) throws FrameException {
    if (length <= 0) {
      throw new FrameException(
          FrameException.Kind.EMPTY_OR_NEGATIVE, "frame length " + length + " is not positive");
    }
    if (length > maxFrameBytes) {
      throw new FrameException(
          FrameException.Kind.TOO_LONG,
          "frame length " + length + " exceeds the limit of " + maxFrameBytes);
    }
    return length;
  }

  /**
   * Writes the 4-byte prefix for a body of {@code length} bytes to {@code out[offset ..]}.
   *
   * @throws IllegalArgumentException when {@code length} is outside 1..limit (a bug in the sender)
   */
  public void writeHeader(int length, byte[] out, int offset) {
    if (length <= 0 || length > maxFrameBytes) {
      throw new IllegalArgumentException(
          "cannot frame " + length + " bytes (limit " + maxFrameBytes + ")");
    }
    out[offset] = (byte) (length >>> 24);
    out[offset + 1] = (byte) (length >>> 16);
    out[offset + 2] = (byte) (length >>> 8);
    out[offset + 3] = (byte) length;
  }

  /** A new array holding the frame of {@code body}: prefix then body. */
  public byte[] encode(byte[] body) {
    byte[] frame = new byte[HEADER_BYTES + body.length];
    writeHeader(body.length, frame, 0);
    System.arraycopy(body, 0, frame, HEADER_BYTES, body.length);
    return frame;
  }
}
