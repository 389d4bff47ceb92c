package dev.betanet.router.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One stream frame: what a stream packet carries after its envelope (docs/streams.md). Every frame,
 * whatever its type, carries the sender's acknowledgement state, so data and acknowledgements share
 * packets.
 *
 * <pre>
 * frame = type(1) | seq(4) | ackNext(4) | window(2) | surbStock(2) | surbMark(4)
 *         | sackCount(1) | sack * sackCount | payload (the rest)
 * sack  = first(4) | last(4)       segments received beyond ackNext, inclusive range
 * type: OPEN (payload = port(2) | host, UTF-8), DATA, FIN (no payload): reliable, occupy seq;
 *       ACK (no payload; seq 0), PROBE (an ACK that asks for an ACK back), RST (payload = reason(1))
 * surbStock: exit to entry, SURBs the exit holds for this stream; 0 from the entry
 * surbMark:  entry to exit, SURBs the entry has sent for this stream, counting this packet's;
 *            exit to entry, the highest surbMark the exit has seen
 * </pre>
 *
 * Sequence numbers count segments, not bytes: each direction starts at 0 (the entry's OPEN).
 */
public record StreamFrame(
    int type,
    int seq,
    int ackNext,
    int window,
    int surbStock,
    int surbMark,
    List<int[]> sacks,
    byte[] payload) {

  public static final int OPEN = 1;
  public static final int DATA = 2;
  public static final int FIN = 3;
  public static final int ACK = 4;
  public static final int PROBE = 5;
  public static final int RST = 6;

  /** Bytes before the SACK blocks. */
  public static final int FIXED_HEADER_BYTES = 1 + 4 + 4 + 2 + 2 + 4 + 1;

  public static final int SACK_BYTES = 8;

  /** Most SACK blocks a frame carries: enough to describe reordering within a window. */
  public static final int MAX_SACKS = 8;

  public StreamFrame {
    sacks = List.copyOf(sacks);
    if (sacks.size() > MAX_SACKS) {
      throw new IllegalArgumentException("at most " + MAX_SACKS + " SACK blocks");
    }
    if (window < 0 || window > 0xFFFF || surbStock < 0 || surbStock > 0xFFFF) {
      throw new IllegalArgumentException("window and SURB stock are 16-bit");
    }
  }

  /** Whether this frame occupies a sequence number and must be acknowledged. */
  public boolean reliable() {
    return type == OPEN || type == DATA || type == FIN;
  }

  public static int headerBytes(int sackCount) {
    return FIXED_HEADER_BYTES + sackCount * SACK_BYTES;
  }

  public int length() {
    return headerBytes(sacks.size()) + payload.length;
  }

  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(length());
    out.put((byte) type)
        .putInt(seq)
        .putInt(ackNext)
        .putShort((short) window)
        .putShort((short) surbStock)
        .putInt(surbMark)
        .put((byte) sacks.size());
    for (int[] range : sacks) {
      out.putInt(range[0]).putInt(range[1]);
    }
    return out.put(payload).array();
  }

  /** Parses one frame; every length and field is checked, so a hostile peer gets an error. */
  public static StreamFrame decode(byte[] bytes) throws MessageException {
    if (bytes.length < FIXED_HEADER_BYTES) {
      throw new MessageException("stream frame of " + bytes.length + " bytes is too short");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int type = in.get() & 0xFF;
    if (type < OPEN || type > RST) {
      throw new MessageException("unknown stream frame type " + type);
    }
    int seq = in.getInt();
    int ackNext = in.getInt();
    int window = in.getShort() & 0xFFFF;
    int stock = in.getShort() & 0xFFFF;
    int mark = in.getInt();
    int sackCount = in.get() & 0xFF;
    if (sackCount > MAX_SACKS || in.remaining() < sackCount * SACK_BYTES) {
      throw new MessageException("stream frame with a bad SACK count " + sackCount);
    }
    List<int[]> sacks = new ArrayList<>(sackCount);
    for (int i = 0; i < sackCount; i++) {
      int first = in.getInt();
      int last = in.getInt();
      if (first < 0 || last < first) {
        throw new MessageException("bad SACK block " + first + ".." + last);
      }
      sacks.add(new int[] {first, last});
    }
    if (seq < 0 || ackNext < 0 || mark < 0) {
      throw new MessageException("negative sequence number in a stream frame");
    }
    byte[] payload = Arrays.copyOfRange(bytes, in.position(), bytes.length);
    boolean payloadAllowed =
        switch (type) {
          case OPEN -> payload.length >= 3 && payload.length <= 2 + 255;
          case DATA -> payload.length > 0;
          case RST -> payload.length == 1;
          default -> payload.length == 0;
        };
    if (!payloadAllowed) {
      throw new MessageException(
          "stream frame type " + type + " with " + payload.length + " bytes");
    }
    return new StreamFrame(type, seq, ackNext, window, stock, mark, sacks, payload);
  }

  /**
   * The port an OPEN names for an HTTP exchange with the service's HTTP backend (a large body, see
   * {@link HttpStreamHeads}), not a declared TCP port: 0 is no TCP port, so the two never meet.
   */
  public static final int HTTP_PORT = 0;

  /** An OPEN payload: the port (or {@link #HTTP_PORT}) and the .fog host name asked for. */
  public static byte[] openPayload(String host, int port) {
    byte[] name = host.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (name.length == 0 || name.length > 255 || port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("host of 1..255 bytes and port 0..65535");
    }
    return ByteBuffer.allocate(2 + name.length).putShort((short) port).put(name).array();
  }

  /** The port of an OPEN payload. */
  public static int openPort(byte[] payload) {
    return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
  }

  /** The host of an OPEN payload. */
  public static String openHost(byte[] payload) {
    return new String(payload, 2, payload.length - 2, java.nio.charset.StandardCharsets.UTF_8);
  }
}
