package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Framing of the packet stream, fed the way TCP may cut it. */
class PacketFramerTest {

  private static final int SIZE = 64;

  private static byte[] packet(int fill) {
    byte[] packet = new byte[SIZE];
    Arrays.fill(packet, (byte) fill);
    return packet;
  }

  private static ByteBuf frames(byte[]... packets) {
    ByteBuf out = Unpooled.buffer();
    for (byte[] packet : packets) {
      out.writeInt(packet.length).writeBytes(packet);
    }
    return out;
  }

  @Test
  void decodesTwoFramesInOneBuffer() {
    var framer = new PacketFramer(() -> SIZE);
    ByteBuf data = frames(packet(1), packet(2));

    List<byte[]> packets = framer.decode(data);

    assertThat(packets).containsExactly(packet(1), packet(2));
    assertThat(data.isReadable()).isFalse();
    assertThat(framer.violation()).isNull();
  }

  @Test
  void decodesFramesSplitAtEveryByte() {
    var framer = new PacketFramer(() -> SIZE);
    ByteBuf data = frames(packet(1), packet(2), packet(3));
    List<byte[]> packets = new ArrayList<>();
    while (data.isReadable()) {
      packets.addAll(framer.decode(data.readSlice(1)));
    }
    assertThat(packets).containsExactly(packet(1), packet(2), packet(3));
  }

  @Test
  void decodesAFrameWhoseLengthIsSplitAcrossReads() {
    var framer = new PacketFramer(() -> SIZE);
    ByteBuf data = frames(packet(7), packet(8));
    // The first read ends two bytes into the second frame's length.
    assertThat(framer.decode(data.readSlice(4 + SIZE + 2))).containsExactly(packet(7));
    assertThat(framer.decode(data)).containsExactly(packet(8));
  }

  @Test
  void refusesAFrameOfAnotherLengthAndTakesNothingAfterIt() {
    var framer = new PacketFramer(() -> SIZE);
    ByteBuf data = frames(packet(1));
    data.writeInt(SIZE + 1).writeBytes(new byte[SIZE + 1]);
    data.writeBytes(frames(packet(3)));

    List<byte[]> packets = framer.decode(data);

    assertThat(packets).containsExactly(packet(1));
    assertThat(framer.violation()).isEqualTo("frame of 65 bytes, packets are 64");
    assertThat(framer.decode(frames(packet(4)))).isEmpty();
  }

  @Test
  void refusesANegativeLengthFromItsHeaderAlone() {
    var framer = new PacketFramer(() -> SIZE);
    assertThat(framer.decode(Unpooled.buffer().writeInt(-1))).isEmpty();
    assertThat(framer.violation()).isEqualTo("frame of 4294967295 bytes, packets are 64");
  }

  @Test
  void readsThePacketSizeInForceAtEachFrame() {
    var size = new AtomicInteger(SIZE);
    var framer = new PacketFramer(size::get);
    assertThat(framer.decode(frames(packet(1)))).hasSize(1);
    size.set(2 * SIZE); // a new topology with bigger packets
    byte[] big = new byte[2 * SIZE];
    assertThat(framer.decode(frames(big))).containsExactly(big);
    assertThat(framer.decode(frames(packet(2)))).isEmpty();
    assertThat(framer.violation()).isEqualTo("frame of 64 bytes, packets are 128");
  }
}
