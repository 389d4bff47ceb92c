package dev.betanet.router.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.betanet.protocol.packet.PacketGeometry;
import dev.betanet.protocol.packet.Surb;
import dev.betanet.router.state.RouterState;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Fuzz targets for what one packet's message holds between routers ({@link Envelope}): the exit
 * parses forward messages from any entry, the entry parses replies that come back through its
 * SURBs. The contract: only a {@link MessageException}; a message is accepted if and only if the
 * format in the class comment allows it, and then only in a form the encoder itself produces (the
 * same bytes come out of {@link Envelope#request}, {@link Envelope#surbs}, {@link Envelope#cover}
 * or {@link Envelope#reply} for the parsed fields), so the exit acts on nothing an honest entry
 * could not have sent.
 *
 * <p>The forward target builds its messages from fuzz-chosen parts (kind, id, SURB count, SURB
 * blocks that may carry the right version, a fragment) so that it reaches the SURB and fragment
 * rules, which random bytes almost never do; with {@code raw} it takes the bytes as they are.
 *
 * <p>Regression inputs: {@code src/test/resources/dev/betanet/router/wire/EnvelopeFuzzTestInputs}.
 */
class EnvelopeFuzzTest {

  private static final PacketGeometry GEOMETRY = new PacketGeometry(2048, RouterState.MAX_HOPS);
  private static final Envelope ENVELOPE = new Envelope(GEOMETRY);
  private static final int SURB_BYTES = Surb.serializedBytes(GEOMETRY);

  @FuzzTest(maxDuration = "60s")
  void parsesAnyForward(FuzzedDataProvider data) throws MessageException {
    byte[] fuzzed = data.consumeBoolean() ? data.consumeRemainingAsBytes() : built(data);
    // A Deliver message is never longer than the packet's message capacity (the payload decoding
    // sees to that), so the exit never parses more.
    byte[] message = Arrays.copyOf(fuzzed, Math.min(fuzzed.length, GEOMETRY.messageCapacity()));
    String refusal = forwardProblem(message);
    Envelope.Forward forward;
    try {
      forward = ENVELOPE.parseForward(message);
    } catch (MessageException e) {
      assertThat(refusal).as("refused: %s", e.getMessage()).isNotNull();
      return;
    }
    assertThat(refusal).as("accepted").isNull();
    byte[] again =
        switch (forward.kind()) {
          case Envelope.COVER -> Envelope.cover();
          case Envelope.REQUEST ->
              ENVELOPE.request(forward.requestId(), forward.surbs().getFirst(), forward.fragment());
          case Envelope.SURBS -> ENVELOPE.surbs(forward.requestId(), forward.surbs());
          case Envelope.SURBS_AFTER_ACK ->
              ENVELOPE.surbs(forward.requestId(), forward.surbs(), true);
          default -> throw new AssertionError("parsed an unknown kind " + forward.kind());
        };
    assertThat(again).isEqualTo(message);
    assertThat(ENVELOPE.parseForward(again)).usingRecursiveComparison().isEqualTo(forward);
  }

  @FuzzTest(maxDuration = "60s")
  void parsesAnyReply(byte[] message) {
    boolean valid = message.length >= 9 && replyBodyFits(message[0] & 0xFF, message.length - 9);
    Envelope.Reply reply;
    try {
      reply = Envelope.parseReply(message);
    } catch (MessageException e) {
      assertThat(valid).as("refused: %s", e.getMessage()).isFalse();
      return;
    }
    assertThat(valid).as("accepted").isTrue();
    byte[] again =
        switch (reply.kind()) {
          case Envelope.ACK ->
              Envelope.ack(reply.requestId(), Envelope.number(reply), Envelope.incarnation(reply));
          case Envelope.UNKNOWN_REQUEST -> Envelope.unknownRequest(reply.requestId());
          case Envelope.MORE_SURBS -> Envelope.moreSurbs(reply.requestId(), Envelope.number(reply));
          default -> Envelope.reply(reply.kind(), reply.requestId(), reply.body());
        };
    assertThat(again).isEqualTo(message);
  }

  private static boolean replyBodyFits(int kind, int bodyBytes) {
    return switch (kind) {
      case Envelope.ACK -> bodyBytes == 10; // index(2) | incarnation(8)
      case Envelope.MORE_SURBS -> bodyBytes == 2;
      case Envelope.RESPONSE -> true;
      case Envelope.UNKNOWN_REQUEST -> bodyBytes == 0;
      default -> false;
    };
  }

  /**
   * Why the format refuses {@code message} (null when it is valid), read from the class comment and
   * the encoder: cover is the single byte 0; REQUEST carries exactly one SURB and a fragment, SURBS
   * carries 1 to {@link Envelope#surbsPerPacket()} SURBs and nothing else; every SURB block has the
   * SURB version (the message is within the packet's capacity: the target cuts it).
   */
  private static String forwardProblem(byte[] message) {
    if (message.length == 1 && message[0] == Envelope.COVER) {
      return null;
    }
    if (message.length < 10) {
      return "short";
    }
    int kind = message[0] & 0xFF;
    int count = message[9] & 0xFF;
    int rest = message.length - 10;
    if (kind == Envelope.REQUEST && count != 1) {
      return "request without exactly one SURB";
    }
    boolean surbsOnly = kind == Envelope.SURBS || kind == Envelope.SURBS_AFTER_ACK;
    if (surbsOnly && (count == 0 || count > ENVELOPE.surbsPerPacket())) {
      return "SURBS count";
    }
    if (kind != Envelope.REQUEST && !surbsOnly) {
      return "kind";
    }
    if (rest < count * SURB_BYTES) {
      return "SURBs cut";
    }
    for (int i = 0; i < count; i++) {
      if ((message[10 + i * SURB_BYTES] & 0xFF) != PacketGeometry.VERSION) {
        return "SURB version";
      }
    }
    if (surbsOnly && rest != count * SURB_BYTES) {
      return "SURBS with a fragment";
    }
    return null;
  }

  /** A forward message from fuzz-chosen parts, each usually right, sometimes not. */
  private static byte[] built(FuzzedDataProvider data) {
    var out = new ByteArrayOutputStream();
    int kind =
        data.pickValue(
            new int[] {
              Envelope.COVER, Envelope.REQUEST, Envelope.SURBS, Envelope.SURBS_AFTER_ACK, 3, 255
            });
    out.write(kind);
    out.writeBytes(ByteBuffer.allocate(8).putLong(data.consumeLong()).array());
    int count = data.pickValue(new int[] {0, 1, 1, 2, 3, ENVELOPE.surbsPerPacket(), 255});
    out.write(count);
    int blocks = Math.min(count, data.consumeInt(0, 4));
    for (int i = 0; i < blocks; i++) {
      byte[] surb = Arrays.copyOf(data.consumeBytes(SURB_BYTES), SURB_BYTES);
      if (data.consumeBoolean()) {
        surb[0] = (byte) PacketGeometry.VERSION;
      }
      if (data.consumeBoolean()) {
        surb = Arrays.copyOf(surb, data.consumeInt(0, SURB_BYTES)); // a cut block
      }
      out.writeBytes(surb);
    }
    out.writeBytes(data.consumeBytes(data.consumeInt(0, ENVELOPE.requestFragmentBytes() + 8)));
    return out.toByteArray();
  }
}
