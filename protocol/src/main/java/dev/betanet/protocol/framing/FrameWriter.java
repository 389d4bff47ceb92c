package dev.betanet.protocol.framing;

import java.io.IOException;
import java.io.OutputStream;

/** Writes frames to a blocking stream. Not thread-safe. */
public final class FrameWriter {

  private final OutputStream out;
  private final FrameCodec codec;
  private final byte[] header = new byte[FrameCodec.HEADER_BYTES];

  public FrameWriter(OutputStream out, FrameCodec codec) {
    this.out = out;
    this.codec = codec;
  }

  /**
   * Writes one frame (prefix, then body) without flushing.
   *
   * @throws IllegalArgumentException when the body is empty or over the limit
   */
  public void write(byte[] body) throws IOException {
    codec.writeHeader(body.length, header, 0);
    out.write(header);
    out.write(body);
  }

  public void flush() throws IOException {
    out.flush();
  }
}
