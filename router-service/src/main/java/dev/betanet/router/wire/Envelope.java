package dev.betanet.router.wire;

import dev.betanet.protocol.packet.PacketException;
import dev.betanet.protocol.packet.PacketGeometry;
import dev.betanet.protocol.packet.Surb;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one packet's message holds, between the entry and the exit router.
 *
 * <pre>
 * forward (entry to exit, a packet's Deliver message):
 *   kind(1) | requestId(8) | surbCount(1) | surb * surbCount | fragment (the rest, may be empty)
 *   kind: COVER (nothing else follows), REQUEST (a request fragment), SURBS (only SURBs),
 *         STREAM (0..surbsPerPacket SURBs, then one {@link StreamFrame}; requestId = stream id),
 *         SURBS_AFTER_ACK (only SURBs, for a request the exit acknowledged whole)
 * reply (exit to entry, through a SURB):
 *   kind(1) | requestId(8) | body
 *   kind: ACK (body = index(2) of the request fragment received | incarnation(8) of the exit
 *         process that stored it), RESPONSE (body = a response fragment), MORE_SURBS (body =
 *         count(2): SURBs the exit still needs for the response), STREAM_REPLY (body = one
 *         {@link StreamFrame}; requestId = stream id), UNKNOWN_REQUEST (empty body: the exit holds
 *         no request by this id, in answer to SURBS_AFTER_ACK)
 * </pre>
 *
 * <p>The incarnation and the two kinds that go with it are what survive an exit's restart, which
 * loses its reassembly state (docs/router.md, "Exit restarts"): an ACK says which exit process
 * holds the fragment, so the entry can tell acknowledgements the exit has since lost from those it
 * still holds.
 *
 * <p>Every forward REQUEST carries exactly one SURB, which the exit spends at once on that
 * fragment's acknowledgement, so the request fragment size is fixed per geometry and every request
 * packet is acknowledged on its own. One exception: the SURB of a one-packet request carries the
 * first response fragment instead, which acknowledges the request, unless the backend takes longer
 * than {@link #ACK_WAIT_MILLIS}. The rest of a response travels through SURBs sent in SURBS
 * messages.
 */
public final class Envelope {

  public static final int COVER = 0;
  public static final int REQUEST = 1;
  public static final int SURBS = 2;
  public static final int STREAM = 3;
  public static final int SURBS_AFTER_ACK = 4;

  public static final int ACK = 1;
  public static final int RESPONSE = 2;
  public static final int MORE_SURBS = 3;
  public static final int STREAM_REPLY = 4;
  public static final int UNKNOWN_REQUEST = 5;

  /** An ACK's body: the fragment index, then the exit's incarnation. */
  private static final int ACK_BODY = 2 + 8;

  private static final int PREFIX = 1 + 8;

  /**
   * Longest an exit keeps a one-packet request's SURB for the response before it spends it on the
   * acknowledgement: long enough for most backends, short next to the entry's patience (a
   * retransmission waits this much longer for a one-packet request).
   */
  public static final long ACK_WAIT_MILLIS = 250;

  private final PacketGeometry geometry;
  private final int surbBytes;

  public Envelope(PacketGeometry geometry) {
    this.geometry = geometry;
    this.surbBytes = Surb.serializedBytes(geometry);
    if (requestFragmentBytes() <= dev.betanet.protocol.fragment.Fragments.HEADER_BYTES) {
      throw new IllegalArgumentException(
          geometry.packetBytes() + "-byte packets cannot carry a SURB and a request fragment");
    }
  }

  public PacketGeometry geometry() {
    return geometry;
  }

  /** Room for a request fragment (header included) next to one SURB. */
  public int requestFragmentBytes() {
    return geometry.messageCapacity() - PREFIX - 1 - surbBytes;
  }

  /** Room for a response fragment (header included) in a reply. */
  public int responseFragmentBytes() {
    return geometry.messageCapacity() - PREFIX;
  }

  /** SURBs one SURBS packet carries. */
  public int surbsPerPacket() {
    return Math.min(255, (geometry.messageCapacity() - PREFIX - 1) / surbBytes);
  }

  /** A forward message. */
  public record Forward(int kind, long requestId, List<Surb> surbs, byte[] fragment) {}

  /** A reply message. */
  public record Reply(int kind, long requestId, byte[] body) {}

  public byte[] request(long requestId, Surb surb, byte[] fragment) {
    return forward(REQUEST, requestId, List.of(surb), fragment);
  }

  public byte[] surbs(long requestId, List<Surb> surbs) {
    return surbs(requestId, surbs, false);
  }

  /**
   * A SURBS message, or with {@code afterAck} a SURBS_AFTER_ACK: the entry heard every fragment of
   * the request acknowledged, so an exit that holds no such request has lost it (restarted) and
   * says so ({@link #UNKNOWN_REQUEST}) rather than keep the SURBs for a request that will not come.
   */
  public byte[] surbs(long requestId, List<Surb> surbs, boolean afterAck) {
    if (surbs.isEmpty() || surbs.size() > surbsPerPacket()) {
      throw new IllegalArgumentException("1.." + surbsPerPacket() + " SURBs, got " + surbs.size());
    }
    return forward(afterAck ? SURBS_AFTER_ACK : SURBS, requestId, surbs, new byte[0]);
  }

  /** Room for a stream frame in a forward packet carrying {@code surbCount} SURBs. */
  public int streamFrameBytes(int surbCount) {
    return geometry.messageCapacity() - PREFIX - 1 - surbCount * surbBytes;
  }

  /** Room for a stream frame in a reply. */
  public int streamReplyFrameBytes() {
    return geometry.messageCapacity() - PREFIX;
  }

  /** A forward STREAM message: a frame for stream {@code streamId} and SURBs for its replies. */
  public byte[] stream(long streamId, List<Surb> surbs, byte[] frame) {
    if (surbs.size() > surbsPerPacket()) {
      throw new IllegalArgumentException("at most " + surbsPerPacket() + " SURBs per packet");
    }
    return forward(STREAM, streamId, surbs, frame);
  }

  /** Whether a forward message is a STREAM message (the stream exit's, not the request exit's). */
  public static boolean isStream(byte[] message) {
    return message.length > 0 && (message[0] & 0xFF) == STREAM;
  }

  /** Parses a forward STREAM message; its fragment is the frame. */
  public Forward parseStream(byte[] message) throws MessageException {
    if (message.length < PREFIX + 1 || (message[0] & 0xFF) != STREAM) {
      throw new MessageException("not a stream message");
    }
    ByteBuffer in = ByteBuffer.wrap(message);
    in.get();
    long streamId = in.getLong();
    int count = in.get() & 0xFF;
    if (count > surbsPerPacket() || in.remaining() < count * surbBytes) {
      throw new MessageException("stream message with a bad SURB count " + count);
    }
    List<Surb> surbs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] bytes = new byte[surbBytes];
      in.get(bytes);
      try {
        surbs.add(Surb.fromBytes(geometry, bytes));
      } catch (PacketException e) {
        throw new MessageException("bad SURB: " + e.getMessage());
      }
    }
    return new Forward(
        STREAM, streamId, surbs, Arrays.copyOfRange(message, in.position(), message.length));
  }

  /** A STREAM_REPLY message. */
  public static byte[] streamReply(long streamId, byte[] frame) {
    return reply(STREAM_REPLY, streamId, frame);
  }

  /** Parses a STREAM_REPLY message: the stream id and the frame bytes. */
  public static Reply parseStreamReply(byte[] message) throws MessageException {
    if (message.length < PREFIX + 1 || (message[0] & 0xFF) != STREAM_REPLY) {
      throw new MessageException("not a stream reply");
    }
    return new Reply(
        STREAM_REPLY,
        ByteBuffer.wrap(message, 1, 8).getLong(),
        Arrays.copyOfRange(message, PREFIX, message.length));
  }

  public static byte[] cover() {
    return new byte[] {COVER};
  }

  private byte[] forward(int kind, long requestId, List<Surb> surbs, byte[] fragment) {
    ByteBuffer out = ByteBuffer.allocate(PREFIX + 1 + surbs.size() * surbBytes + fragment.length);
    out.put((byte) kind).putLong(requestId).put((byte) surbs.size());
    surbs.forEach(surb -> out.put(surb.toBytes()));
    out.put(fragment);
    if (out.position() > geometry.messageCapacity()) {
      throw new IllegalArgumentException("BUG: forward message over the packet's capacity");
    }
    return out.array();
  }

  public Forward parseForward(byte[] message) throws MessageException {
    if (message.length == 1 && message[0] == COVER) {
      return new Forward(COVER, 0, List.of(), new byte[0]);
    }
    if (message.length < PREFIX + 1) {
      throw new MessageException("forward message of " + message.length + " bytes is too short");
    }
    ByteBuffer in = ByteBuffer.wrap(message);
    int kind = in.get() & 0xFF;
    if (kind != REQUEST && kind != SURBS && kind != SURBS_AFTER_ACK) {
      throw new MessageException("unknown forward message kind " + kind);
    }
    long requestId = in.getLong();
    int count = in.get() & 0xFF;
    // The counts the encoder produces: one SURB with a request fragment, 1..surbsPerPacket alone
    // (an empty SURBS message would still count at the exit as the entry asking again).
    boolean countFits = kind == REQUEST ? count == 1 : count >= 1 && count <= surbsPerPacket();
    if (in.remaining() < count * surbBytes || !countFits) {
      throw new MessageException("forward message with a bad SURB count " + count);
    }
    List<Surb> surbs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] bytes = new byte[surbBytes];
      in.get(bytes);
      try {
        surbs.add(Surb.fromBytes(geometry, bytes));
      } catch (PacketException e) {
        throw new MessageException("bad SURB: " + e.getMessage());
      }
    }
    byte[] fragment = Arrays.copyOfRange(message, in.position(), message.length);
    if (kind != REQUEST && fragment.length != 0) {
      throw new MessageException("a SURBS message carries no fragment");
    }
    return new Forward(kind, requestId, surbs, fragment);
  }

  public static byte[] reply(int kind, long requestId, byte[] body) {
    return ByteBuffer.allocate(PREFIX + body.length)
        .put((byte) kind)
        .putLong(requestId)
        .put(body)
        .array();
  }

  public static byte[] moreSurbs(long requestId, int count) {
    return reply(MORE_SURBS, requestId, new byte[] {(byte) (count >>> 8), (byte) count});
  }

  public static Reply parseReply(byte[] message) throws MessageException {
    if (message.length < PREFIX) {
      throw new MessageException("reply of " + message.length + " bytes is too short");
    }
    ByteBuffer in = ByteBuffer.wrap(message);
    int kind = in.get() & 0xFF;
    long requestId = in.getLong();
    byte[] body = Arrays.copyOfRange(message, PREFIX, message.length);
    boolean valid =
        switch (kind) {
          case ACK -> body.length == ACK_BODY;
          case RESPONSE -> true;
          case MORE_SURBS -> body.length == 2;
          case UNKNOWN_REQUEST -> body.length == 0;
          default -> false;
        };
    if (!valid) {
      throw new MessageException("bad reply kind " + kind + " with " + body.length + " bytes");
    }
    return new Reply(kind, requestId, body);
  }

  /** The count of a MORE_SURBS reply, or the fragment index of an ACK. */
  public static int number(Reply reply) {
    return ((reply.body()[0] & 0xFF) << 8) | (reply.body()[1] & 0xFF);
  }

  /**
   * An acknowledgement of fragment {@code fragmentIndex}, stored by the exit process {@code
   * incarnation} (its start, in milliseconds since the epoch: a later process has a larger one).
   */
  public static byte[] ack(long requestId, int fragmentIndex, long incarnation) {
    return reply(
        ACK,
        requestId,
        ByteBuffer.allocate(ACK_BODY).putShort((short) fragmentIndex).putLong(incarnation).array());
  }

  /** The exit incarnation of an ACK. */
  public static long incarnation(Reply ack) {
    if (ack.kind() != ACK) {
      throw new IllegalArgumentException("BUG: only an ACK carries an incarnation");
    }
    return ByteBuffer.wrap(ack.body(), 2, 8).getLong();
  }

  /** The exit holds no request by this id (in answer to SURBS_AFTER_ACK). */
  public static byte[] unknownRequest(long requestId) {
    return reply(UNKNOWN_REQUEST, requestId, new byte[0]);
  }

  /** The index field of a fragment (see {@code Fragments}): after the 8-byte message id. */
  public static int fragmentIndex(byte[] fragment) {
    return ((fragment[8] & 0xFF) << 8) | (fragment[9] & 0xFF);
  }

  /** The count field of a fragment. */
  public static int fragmentCount(byte[] fragment) {
    return ((fragment[10] & 0xFF) << 8) | (fragment[11] & 0xFF);
  }
}
