package dev.betanet.protocol.framing;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz targets for the wire framing. A peer controls every byte of the stream and how TCP cuts it
 * into chunks; the contract is that {@link FrameDecoder} (record at a time, as Vert.x drives it)
 * and {@link FrameReader} (blocking) agree on every stream, yield only frames within the limit,
 * report only a {@link FrameException}, and never hold more than one frame.
 *
 * <p>Regression inputs: {@code
 * src/test/resources/dev/betanet/protocol/framing/FramingFuzzTestInputs}.
 */
class FramingFuzzTest {

  /** The frame limits tried: small ones reach TOO_LONG often, the packet size is the real one. */
  private static final int LARGEST_LIMIT = 4096;

  /** Any byte stream, cut into any chunks: both decoders agree and re-encoding is exact. */
  @FuzzTest(maxDuration = "60s")
  void decodesAnyStream(FuzzedDataProvider data) throws IOException {
    FrameCodec codec = new FrameCodec(data.consumeInt(1, LARGEST_LIMIT));
    int[] chunks = new int[data.consumeInt(0, 16)];
    for (int i = 0; i < chunks.length; i++) {
      chunks[i] = data.consumeInt(1, 64);
    }
    byte[] stream = data.consumeRemainingAsBytes();

    Outcome chunked = decodeInChunks(codec, stream, chunks);
    Outcome blocking = readBlocking(codec, new TrickleInputStream(stream, chunks));

    assertThat(blocking.frames()).containsExactlyElementsOf(chunked.frames());
    assertThat(blocking.error()).isEqualTo(chunked.error());
    int consumed = 0;
    for (byte[] frame : chunked.frames()) {
      assertThat(frame.length).isBetween(1, codec.maxFrameBytes());
      byte[] again = codec.encode(frame);
      assertThat(again).isEqualTo(Arrays.copyOfRange(stream, consumed, consumed + again.length));
      consumed += again.length;
    }
    if (chunked.error() == null) {
      assertThat(consumed).isEqualTo(stream.length);
    }
  }

  /** Any list of bodies within the limit: written then read back, exactly, by both decoders. */
  @FuzzTest(maxDuration = "60s")
  void roundTripsAnyFrames(FuzzedDataProvider data) throws IOException {
    FrameCodec codec = new FrameCodec(data.consumeInt(1, LARGEST_LIMIT));
    List<byte[]> bodies = new ArrayList<>();
    int count = data.consumeInt(0, 8);
    for (int i = 0; i < count; i++) {
      byte[] body = data.consumeBytes(data.consumeInt(1, codec.maxFrameBytes()));
      if (body.length > 0) {
        bodies.add(body);
      }
    }
    int[] chunks = {data.consumeInt(1, 4096)};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter writer = new FrameWriter(out, codec);
    for (byte[] body : bodies) {
      writer.write(body);
    }
    writer.flush();
    byte[] stream = out.toByteArray();

    Outcome chunked = decodeInChunks(codec, stream, chunks);
    Outcome blocking = readBlocking(codec, new TrickleInputStream(stream, chunks));

    assertThat(chunked.error()).isNull();
    assertThat(chunked.frames()).containsExactlyElementsOf(bodies);
    assertThat(blocking.error()).isNull();
    assertThat(blocking.frames()).containsExactlyElementsOf(bodies);
  }

  /** Frames decoded and the error that ended the stream (null for a clean end). */
  private record Outcome(List<byte[]> frames, FrameException.Kind error) {}

  /**
   * Drives {@link FrameDecoder} the way Vert.x's RecordParser does: bytes arrive in chunks, a
   * record is handed over once {@link FrameDecoder#nextRecordBytes()} bytes are buffered.
   */
  private static Outcome decodeInChunks(FrameCodec codec, byte[] stream, int[] chunks) {
    FrameDecoder decoder = new FrameDecoder(codec);
    List<byte[]> frames = new ArrayList<>();
    int recordStart = 0;
    int received = 0;
    int chunk = 0;
    try {
      while (received < stream.length) {
        int size = chunks.length == 0 ? stream.length : chunks[chunk++ % chunks.length];
        received = Math.min(stream.length, received + size);
        while (received - recordStart >= decoder.nextRecordBytes()) {
          int want = decoder.nextRecordBytes();
          // The decoder never asks for more than one frame body: nothing is buffered beyond it.
          assertThat(want).isBetween(1, Math.max(FrameCodec.HEADER_BYTES, codec.maxFrameBytes()));
          byte[] frame =
              decoder.accept(Arrays.copyOfRange(stream, recordStart, recordStart + want));
          recordStart += want;
          if (frame != null) {
            frames.add(frame);
          }
        }
      }
      decoder.endOfStream(received - recordStart);
      assertThat(decoder.atFrameBoundary()).isTrue();
      return new Outcome(frames, null);
    } catch (FrameException e) {
      return new Outcome(frames, e.kind());
    }
  }

  private static Outcome readBlocking(FrameCodec codec, InputStream in) throws IOException {
    FrameReader reader = new FrameReader(in, codec);
    List<byte[]> frames = new ArrayList<>();
    try {
      for (byte[] frame = reader.read(); frame != null; frame = reader.read()) {
        frames.add(frame);
      }
      return new Outcome(frames, null);
    } catch (FrameException e) {
      return new Outcome(frames, e.kind());
    }
  }

  /** A stream that returns at most the next chunk size per read, as a socket may. */
  private static final class TrickleInputStream extends ByteArrayInputStream {
    private final int[] chunks;
    private int next;

    TrickleInputStream(byte[] bytes, int[] chunks) {
      super(bytes);
      this.chunks = chunks;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      int limit = chunks.length == 0 ? len : chunks[next++ % chunks.length];
      return super.read(b, off, Math.min(len, limit));
    }
  }
}
