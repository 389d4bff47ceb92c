package dev.betanet.router.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StreamFrameTest {

  @Test
  void roundTripsEveryField() throws MessageException {
    var frame =
        new StreamFrame(
            StreamFrame.DATA,
            7,
            3,
            250,
            12,
            99,
            List.of(new int[] {5, 6}, new int[] {9, 9}),
            new byte[] {1, 2, 3});
    var back = StreamFrame.decode(frame.encode());
    assertThat(back.type()).isEqualTo(StreamFrame.DATA);
    assertThat(back.seq()).isEqualTo(7);
    assertThat(back.ackNext()).isEqualTo(3);
    assertThat(back.window()).isEqualTo(250);
    assertThat(back.surbStock()).isEqualTo(12);
    assertThat(back.surbMark()).isEqualTo(99);
    assertThat(back.sacks()).containsExactly(new int[] {5, 6}, new int[] {9, 9});
    assertThat(back.payload()).containsExactly(1, 2, 3);
    assertThat(frame.length()).isEqualTo(frame.encode().length);
  }

  @Test
  void openCarriesHostAndPort() throws MessageException {
    byte[] payload = StreamFrame.openPayload("echo.fog", 5432);
    var open =
        StreamFrame.decode(
            new StreamFrame(StreamFrame.OPEN, 0, 0, 16, 0, 2, List.of(), payload).encode());
    assertThat(StreamFrame.openHost(open.payload())).isEqualTo("echo.fog");
    assertThat(StreamFrame.openPort(open.payload())).isEqualTo(5432);
  }

  @Test
  void refusesMalformedFrames() {
    byte[] ack = new StreamFrame(StreamFrame.ACK, 0, 1, 1, 0, 0, List.of(), new byte[0]).encode();
    assertThatThrownBy(() -> StreamFrame.decode(new byte[3])).hasMessageContaining("too short");
    byte[] unknown = ack.clone();
    unknown[0] = 9;
    assertThatThrownBy(() -> StreamFrame.decode(unknown)).hasMessageContaining("unknown");
    byte[] sacks = ack.clone();
    sacks[StreamFrame.FIXED_HEADER_BYTES - 1] = (byte) 200;
    assertThatThrownBy(() -> StreamFrame.decode(sacks)).hasMessageContaining("SACK count");
    byte[] emptyData = ack.clone();
    emptyData[0] = StreamFrame.DATA;
    assertThatThrownBy(() -> StreamFrame.decode(emptyData)).hasMessageContaining("0 bytes");
    byte[] negative = ack.clone();
    negative[1] = (byte) 0x80;
    assertThatThrownBy(() -> StreamFrame.decode(negative)).hasMessageContaining("negative");
  }
}
