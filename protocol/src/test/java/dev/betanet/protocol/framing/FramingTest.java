package dev.betanet.protocol.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.betanet.protocol.framing.FrameException.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FramingTest {

  final FrameCodec codec = new FrameCodec(2048);

  static Kind kindOf(ThrowingRunnable action) {
    try {
      action.run();
    } catch (FrameException e) {
      return e.kind();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a FrameException");
  }

  interface ThrowingRunnable {
    void run() throws FrameException, IOException;
  }

  @Test
  void encodesBigEndianLengthThenBody() {
    assertThat(codec.encode(new byte[] {7, 8, 9})).containsExactly(0, 0, 0, 3, 7, 8, 9);
    byte[] big = new byte[2048];
    assertThat(Arrays.copyOf(codec.encode(big), 4)).containsExactly(0, 0, 8, 0);
  }

  @Test
  void decodesTwoFramesInOneBuffer() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter writer = new FrameWriter(out, codec);
    writer.write(new byte[] {1, 2});
    writer.write(new byte[] {3});
    writer.flush();
    FrameReader reader = new FrameReader(new ByteArrayInputStream(out.toByteArray()), codec);
    assertThat(reader.read()).containsExactly(1, 2);
    assertThat(reader.read()).containsExactly(3);
    assertThat(reader.read()).isNull();
  }

  @Test
  void readsFramesThatArriveOneByteAtATime() throws Exception {
    byte[] stream = codec.encode(new byte[] {5, 6, 7});
    InputStream trickle =
        new ByteArrayInputStream(stream) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1));
          }
        };
    assertThat(new FrameReader(trickle, codec).read()).containsExactly(5, 6, 7);
  }

  @Test
  void rejectsFrameLongerThanTheLimitBeforeReadingItsBody() {
    byte[] header = {0, 0, 8, 1}; // 2049
    // The stream holds only the prefix: the reader must fail on the prefix, not wait for a body.
    assertThat(kindOf(() -> new FrameReader(new ByteArrayInputStream(header), codec).read()))
        .isEqualTo(Kind.TOO_LONG);
    assertThat(kindOf(() -> codec.bodyLength(header, 0))).isEqualTo(Kind.TOO_LONG);
  }

  @Test
  void rejectsZeroAndNegativeLengths() {
    assertThat(kindOf(() -> codec.bodyLength(new byte[] {0, 0, 0, 0}, 0)))
        .isEqualTo(Kind.EMPTY_OR_NEGATIVE);
    assertThat(kindOf(() -> codec.bodyLength(new byte[] {(byte) 0x80, 0, 0, 1}, 0)))
        .isEqualTo(Kind.EMPTY_OR_NEGATIVE);
    assertThat(kindOf(() -> codec.validate(-1))).isEqualTo(Kind.EMPTY_OR_NEGATIVE);
  }

  @Test
  void rejectsTruncatedPrefixAndTruncatedBody() {
    assertThat(
            kindOf(
                () -> new FrameReader(new ByteArrayInputStream(new byte[] {0, 0}), codec).read()))
        .isEqualTo(Kind.TRUNCATED);
    byte[] cut = Arrays.copyOf(codec.encode(new byte[10]), 9);
    assertThat(kindOf(() -> new FrameReader(new ByteArrayInputStream(cut), codec).read()))
        .isEqualTo(Kind.TRUNCATED);
  }

  @Test
  void decoderAlternatesBetweenPrefixAndBodyRecords() throws Exception {
    FrameDecoder decoder = new FrameDecoder(codec);
    assertThat(decoder.nextRecordBytes()).isEqualTo(4);
    assertThat(decoder.accept(new byte[] {0, 0, 0, 2})).isNull();
    assertThat(decoder.nextRecordBytes()).isEqualTo(2);
    assertThat(decoder.atFrameBoundary()).isFalse();
    assertThat(decoder.accept(new byte[] {4, 2})).containsExactly(4, 2);
    assertThat(decoder.nextRecordBytes()).isEqualTo(4);
    decoder.endOfStream(0);
  }

  @Test
  void decoderReportsStreamEndingInsideAFrame() throws Exception {
    FrameDecoder decoder = new FrameDecoder(codec);
    assertThat(kindOf(() -> decoder.endOfStream(3))).isEqualTo(Kind.TRUNCATED);
    decoder.accept(new byte[] {0, 0, 0, 9});
    assertThat(kindOf(() -> decoder.endOfStream(0))).isEqualTo(Kind.TRUNCATED);
  }

  @Test
  void decoderRefusesOversizedPrefixAndRecordsOfTheWrongSize() {
    FrameDecoder decoder = new FrameDecoder(codec);
    assertThat(kindOf(() -> decoder.accept(new byte[] {0x7f, 0, 0, 0}))).isEqualTo(Kind.TOO_LONG);
    assertThatThrownBy(() -> new FrameDecoder(codec).accept(new byte[3]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void writerRefusesEmptyAndOversizedBodies() {
    FrameWriter writer = new FrameWriter(new ByteArrayOutputStream(), codec);
    assertThatThrownBy(() -> writer.write(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.write(new byte[2049]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
