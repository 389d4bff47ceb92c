package dev.betanet.protocol.framing;

/**
 * A stateful decoder for record-at-a-time parsers such as Vert.x's {@code RecordParser} in
 * fixed-size mode. Ask {@link #nextRecordBytes()} how many bytes to read, hand them to {@link
 * #accept}, repeat:
 *
 * <pre>{@code
 * FrameDecoder decoder = new FrameDecoder(new FrameCodec(2048));
 * RecordParser parser = RecordParser.newFixed(decoder.nextRecordBytes());
 * parser.handler(record -> {
 *   try {
 *     byte[] frame = decoder.accept(record.getBytes());
 *     if (frame != null) { handle(frame); }
 *     parser.fixedSizeMode(decoder.nextRecordBytes());
 *   } catch (FrameException e) { socket.close(); }
 * });
 * }</pre>
 *
 * It never asks for more than one frame body, so nothing is buffered beyond one frame.
 *
 * <p>Not thread-safe: one per connection.
 */
public final class FrameDecoder {

  private final FrameCodec codec;
  private int bodyBytes; // 0 while a length prefix is expected

  public FrameDecoder(FrameCodec codec) {
    this.codec = codec;
  }

  /** How many bytes the next record must have: 4 for a prefix, else the body length. */
  public int nextRecordBytes() {
    return bodyBytes == 0 ? FrameCodec.HEADER_BYTES : bodyBytes;
  }

  /** True when the decoder is between frames (a clean place for the stream to end). */
  public boolean atFrameBoundary() {
    return bodyBytes == 0;
  }

  /**
   * Takes the next record of exactly {@link #nextRecordBytes()} bytes.
   *
   * @return the frame body (the record array itself) when the record was a body, null when it was a
   *     length prefix
   * @throws FrameException for an invalid prefix; the decoder must not be used afterwards
   * @throws IllegalArgumentException when the record has another length (a bug in the caller)
   */
  public byte[] accept(byte[] record) throws FrameException {
    if (record.length != nextRecordBytes()) {
      throw new IllegalArgumentException(
          "expected a record of " + nextRecordBytes() + " bytes, got " + record.length);
    }
    if (bodyBytes == 0) {
      bodyBytes = codec.bodyLength(record, 0);
      return null;
    }
    bodyBytes = 0;
    return record;
  }

  /**
   * Says the stream ended.
   *
   * @param pendingBytes bytes received but not yet handed over as a record (a partial record)
   * @throws FrameException TRUNCATED when the stream ended inside a prefix or a body
   */
  public void endOfStream(int pendingBytes) throws FrameException {
    if (bodyBytes != 0 || pendingBytes != 0) {
      throw new FrameException(
          FrameException.Kind.TRUNCATED,
          "stream ended with "
              + pendingBytes
              + " of "
              + nextRecordBytes()
              + (bodyBytes == 0 ? " prefix bytes" : " body bytes"));
    }
  }
}
