package dev.betanet.protocol.framing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads frames from a blocking stream (tests, the load generator). Reads exactly one prefix and one
 * body per frame, so it never buffers beyond a frame.
 *
 * <p>Not thread-safe.
 */
public final class FrameReader {

  private final InputStream in;
  private final FrameCodec codec;
  private final byte[] header = new byte[FrameCodec.HEADER_BYTES];

  public FrameReader(InputStream in, FrameCodec codec) {
    this.in = in;
    this.codec = codec;
  }

  /**
   * The next frame body, or null at a clean end of stream (between frames).
   *
   * @throws FrameException for an invalid prefix, or TRUNCATED when the stream ends inside a frame
   * @throws IOException when the stream fails
   */
  public byte[] read() throws IOException, FrameException {
    int got = readFully(header);
    if (got == 0) {
      return null;
    }
    if (got < header.length) {
      throw new FrameException(
          FrameException.Kind.TRUNCATED, "stream ended after " + got + " of 4 prefix bytes");
    }
    byte[] body = new byte[codec.bodyLength(header, 0)];
    int bodyGot = readFully(body);
    if (bodyGot < body.length) {
      throw new FrameException(
          FrameException.Kind.TRUNCATED,
          "stream ended after " + bodyGot + " of " + body.length + " body bytes");
    }
    return body;
  }

  private int readFully(byte[] buffer) throws IOException {
    int total = 0;
    while (total < buffer.length) {
      int n;
      try {
        n = in.read(buffer, total, buffer.length - total);
      } catch (EOFException e) {
        n = -1;
      }
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }
}
