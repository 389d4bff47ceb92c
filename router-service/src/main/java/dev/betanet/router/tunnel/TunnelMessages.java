package dev.betanet.router.tunnel;

import dev.betanet.protocol.tunnel.TunnelSession;
import dev.betanet.router.wire.HttpMessages;
import dev.betanet.router.wire.MessageException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What travels inside the tunnel's encrypted frames: requests and responses (the same {@link
 * HttpMessages} bytes as on the mixnet), cut into chunks so several requests share one connection
 * without one large body holding up the others.
 *
 * <pre>
 * frame plaintext = kind(1) | id(8) | chunk
 *   kind 1 REQUEST_PART   kind 2 REQUEST_LAST   kind 3 RESPONSE_PART   kind 4 RESPONSE_LAST
 *   kind 5 STREAM_TO_EXIT   kind 6 STREAM_TO_ENTRY
 *   id: chosen by the initiator per request (or stream), echoed by the responder
 *   chunk: 0..CHUNK_BYTES bytes; a message is its parts in order, ended by its LAST; a STREAM
 *          kind's chunk is one whole stream frame ({@link TunnelStreams})
 * </pre>
 *
 * Incoming messages are reassembled by {@link Assembly}, which bounds both the size of one message
 * and how many are being reassembled at once on a connection.
 */
public final class TunnelMessages {

  static final byte REQUEST_PART = 1;
  static final byte REQUEST_LAST = 2;
  static final byte RESPONSE_PART = 3;
  static final byte RESPONSE_LAST = 4;
  static final byte STREAM_TO_EXIT = 5;
  static final byte STREAM_TO_ENTRY = 6;
  static final int HEADER_BYTES = 1 + 8;

  /** Data bytes per frame: small enough to interleave requests, large enough to be cheap. */
  static final int CHUNK_BYTES = 64 * 1024;

  /** The longest frame on the wire: a full chunk, its header and the Poly1305 tag. */
  public static final int MAX_FRAME_BYTES = HEADER_BYTES + CHUNK_BYTES + TunnelSession.TAG_LENGTH;

  private TunnelMessages() {}

  /** The plaintexts of the frames carrying {@code message}: PART kinds, then one LAST. */
  public static List<byte[]> split(boolean request, long id, byte[] message) {
    List<byte[]> frames = new ArrayList<>(message.length / CHUNK_BYTES + 1);
    int offset = 0;
    do {
      int length = Math.min(CHUNK_BYTES, message.length - offset);
      boolean last = offset + length == message.length;
      byte kind =
          request ? (last ? REQUEST_LAST : REQUEST_PART) : (last ? RESPONSE_LAST : RESPONSE_PART);
      frames.add(
          ByteBuffer.allocate(HEADER_BYTES + length)
              .put(kind)
              .putLong(id)
              .put(message, offset, length)
              .array());
      offset += length;
    } while (offset < message.length);
    return frames;
  }

  /** The plaintext of the frame carrying one stream frame of stream {@code id}. */
  public static byte[] stream(boolean toExit, long id, byte[] frame) {
    if (frame.length == 0 || frame.length > CHUNK_BYTES) {
      throw new IllegalArgumentException("BUG: stream frame of " + frame.length + " bytes");
    }
    return ByteBuffer.allocate(HEADER_BYTES + frame.length)
        .put(toExit ? STREAM_TO_EXIT : STREAM_TO_ENTRY)
        .putLong(id)
        .put(frame)
        .array();
  }

  /** One stream frame taken from a tunnel frame: its stream id and bytes (not yet decoded). */
  public record StreamPart(long id, byte[] frame) {}

  /**
   * The stream frame a tunnel frame carries, or empty when it carries a request or response part
   * (for the {@link Assembly}).
   *
   * @param atExit true at the responder, which takes only {@code STREAM_TO_EXIT}
   * @throws MessageException a stream kind of the other direction, or an empty stream frame
   */
  public static Optional<StreamPart> streamPart(byte[] plaintext, boolean atExit)
      throws MessageException {
    if (plaintext.length < HEADER_BYTES
        || (plaintext[0] != STREAM_TO_EXIT && plaintext[0] != STREAM_TO_ENTRY)) {
      return Optional.empty();
    }
    if ((plaintext[0] == STREAM_TO_EXIT) != atExit) {
      throw new MessageException("stream frame of the wrong direction, kind " + plaintext[0]);
    }
    if (plaintext.length == HEADER_BYTES) {
      throw new MessageException("empty stream frame in a tunnel frame");
    }
    return Optional.of(
        new StreamPart(
            ByteBuffer.wrap(plaintext, 1, 8).getLong(),
            java.util.Arrays.copyOfRange(plaintext, HEADER_BYTES, plaintext.length)));
  }

  /** A message completed by a frame: its kind family (request or response), id and bytes. */
  public record Message(boolean request, long id, byte[] bytes) {}

  /**
   * Reassembles one direction of one connection. Only request kinds or only response kinds are
   * valid on a direction; anything else, a message over the limit, or too many messages at once is
   * a {@link MessageException}, after which the connection is closed.
   */
  public static final class Assembly {
    private final boolean requests;
    private final int maxMessageBytes;
    private final int maxOpen;
    private final Map<Long, ByteArrayOutputStream> open = new HashMap<>();

    /**
     * @param requests true at the responder (it receives requests), false at the initiator
     */
    public Assembly(boolean requests, int maxMessageBytes, int maxOpen) {
      this.requests = requests;
      this.maxMessageBytes = maxMessageBytes;
      this.maxOpen = maxOpen;
    }

    /** Takes one decrypted frame; the whole message when this frame ended one. */
    public Optional<Message> accept(byte[] frame) throws MessageException {
      if (frame.length < HEADER_BYTES) {
        throw new MessageException("tunnel frame of " + frame.length + " bytes, header is 9");
      }
      byte kind = frame[0];
      boolean last;
      if (requests && (kind == REQUEST_PART || kind == REQUEST_LAST)) {
        last = kind == REQUEST_LAST;
      } else if (!requests && (kind == RESPONSE_PART || kind == RESPONSE_LAST)) {
        last = kind == RESPONSE_LAST;
      } else {
        throw new MessageException("unexpected tunnel message kind " + kind);
      }
      long id = ByteBuffer.wrap(frame, 1, 8).getLong();
      ByteArrayOutputStream buffer = open.get(id);
      if (buffer == null) {
        if (last) {
          return Optional.of(new Message(requests, id, slice(frame)));
        }
        if (open.size() >= maxOpen) {
          throw new MessageException("over " + maxOpen + " messages in reassembly on one tunnel");
        }
        buffer = new ByteArrayOutputStream();
        open.put(id, buffer);
      }
      if (buffer.size() + frame.length - HEADER_BYTES > maxMessageBytes) {
        throw new MessageException("tunnel message over " + maxMessageBytes + " bytes");
      }
      buffer.write(frame, HEADER_BYTES, frame.length - HEADER_BYTES);
      if (!last) {
        return Optional.empty();
      }
      open.remove(id);
      return Optional.of(new Message(requests, id, buffer.toByteArray()));
    }

    private byte[] slice(byte[] frame) throws MessageException {
      if (frame.length - HEADER_BYTES > maxMessageBytes) {
        throw new MessageException("tunnel message over " + maxMessageBytes + " bytes");
      }
      return java.util.Arrays.copyOfRange(frame, HEADER_BYTES, frame.length);
    }
  }
}
