package dev.betanet.router.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.fragment.Fragments;
import dev.betanet.protocol.packet.NodeRef;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.PacketGeometry;
import dev.betanet.protocol.packet.PathHop;
import dev.betanet.protocol.packet.Surb;
import dev.betanet.router.state.RouterState;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private final PacketGeometry geometry = new PacketGeometry(2048, RouterState.MAX_HOPS);
  private final Envelope envelope = new Envelope(geometry);

  private Surb surb() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    byte[] publicKey = X25519.bouncyCastle().publicKey(key);
    byte[] identity = new byte[32];
    RANDOM.nextBytes(identity);
    var hop = new PathHop(NodeRef.ofIdentity(identity), publicKey, 1, 0);
    return new PacketBuilder(geometry, X25519.bouncyCastle(), RANDOM).surb(List.of(hop)).surb();
  }

  @Test
  void aRequestWithItsSurbAndAFullFragmentFitsOnePacket() throws Exception {
    byte[] fragment = new byte[envelope.requestFragmentBytes()];
    RANDOM.nextBytes(fragment);
    Surb surb = surb();

    byte[] message = envelope.request(42, surb, fragment);
    Envelope.Forward forward = envelope.parseForward(message);

    assertThat(message.length).isLessThanOrEqualTo(geometry.messageCapacity());
    assertThat(forward.kind()).isEqualTo(Envelope.REQUEST);
    assertThat(forward.requestId()).isEqualTo(42);
    assertThat(forward.fragment()).isEqualTo(fragment);
    assertThat(forward.surbs()).hasSize(1);
    assertThat(forward.surbs().getFirst().toBytes()).isEqualTo(surb.toBytes());
  }

  @Test
  void surbsMessagesCarryAsManyAsFit() throws Exception {
    List<Surb> surbs = List.of(surb(), surb());
    assertThat(envelope.surbsPerPacket()).isGreaterThanOrEqualTo(2);

    Envelope.Forward forward = envelope.parseForward(envelope.surbs(7, surbs));

    assertThat(forward.kind()).isEqualTo(Envelope.SURBS);
    assertThat(forward.surbs()).hasSize(2);
    assertThat(forward.fragment()).isEmpty();
  }

  @Test
  void coverIsRecognised() throws Exception {
    assertThat(envelope.parseForward(Envelope.cover()).kind()).isEqualTo(Envelope.COVER);
  }

  @Test
  void rejectsARequestWithoutItsSurb() {
    byte[] message = envelope.request(1, surb(), new byte[20]);
    message[9] = 0; // SURB count

    assertThatThrownBy(() -> envelope.parseForward(message))
        .isInstanceOf(MessageException.class)
        .hasMessageContaining("SURB count");
  }

  /**
   * Found by EnvelopeFuzzTest#parsesAnyForward (input surbs-message-without-surbs): a SURBS message
   * with no SURB parsed, though no entry sends one, and the exit counted it as a resend.
   */
  @Test
  void rejectsASurbsMessageWithoutSurbs() {
    byte[] message =
        ByteBuffer.allocate(10).put((byte) Envelope.SURBS).putLong(3).put((byte) 0).array();

    assertThatThrownBy(() -> envelope.parseForward(message))
        .isInstanceOf(MessageException.class)
        .hasMessageContaining("bad SURB count 0");
  }

  @Test
  void repliesRoundTripAndCarryTheirNumbers() throws Exception {
    Envelope.Reply ack = Envelope.parseReply(Envelope.ack(5, 300, 1_764_000_000_123L));
    Envelope.Reply more = Envelope.parseReply(Envelope.moreSurbs(5, 70));
    Envelope.Reply response =
        Envelope.parseReply(Envelope.reply(Envelope.RESPONSE, 5, new byte[] {1}));

    assertThat(ack.kind()).isEqualTo(Envelope.ACK);
    assertThat(Envelope.number(ack)).isEqualTo(300);
    assertThat(Envelope.incarnation(ack)).isEqualTo(1_764_000_000_123L);
    assertThat(Envelope.number(more)).isEqualTo(70);
    assertThat(response.requestId()).isEqualTo(5);
    assertThat(response.body()).containsExactly(1);
    assertThat(envelope.responseFragmentBytes())
        .isLessThanOrEqualTo(geometry.messageCapacity() - 9);
  }

  @Test
  void rejectsAnAckWithoutItsIndex() {
    assertThatThrownBy(() -> Envelope.parseReply(Envelope.reply(Envelope.ACK, 1, new byte[0])))
        .isInstanceOf(MessageException.class);
  }

  /** An ACK of the format before exit incarnations (index only) is refused, not misread. */
  @Test
  void rejectsAnAckWithoutItsIncarnation() {
    assertThatThrownBy(() -> Envelope.parseReply(Envelope.reply(Envelope.ACK, 1, new byte[2])))
        .isInstanceOf(MessageException.class)
        .hasMessageContaining("bad reply kind 1 with 2 bytes");
  }

  @Test
  void surbsAfterAckRoundTripAndTheUnknownRequestReplyHasNoBody() throws Exception {
    List<Surb> surbs = List.of(surb(), surb());

    Envelope.Forward forward = envelope.parseForward(envelope.surbs(7, surbs, true));
    Envelope.Reply unknown = Envelope.parseReply(Envelope.unknownRequest(7));

    assertThat(forward.kind()).isEqualTo(Envelope.SURBS_AFTER_ACK);
    assertThat(forward.surbs()).hasSize(2);
    assertThat(unknown.kind()).isEqualTo(Envelope.UNKNOWN_REQUEST);
    assertThat(unknown.requestId()).isEqualTo(7);
    assertThatThrownBy(
            () -> Envelope.parseReply(Envelope.reply(Envelope.UNKNOWN_REQUEST, 7, new byte[1])))
        .isInstanceOf(MessageException.class);
  }

  @Test
  void readsTheIndexAndCountOfAFragment() {
    List<byte[]> fragments = new Fragments(100).split(9, new byte[500]);

    assertThat(Envelope.fragmentIndex(fragments.get(3))).isEqualTo(3);
    assertThat(Envelope.fragmentCount(fragments.get(3))).isEqualTo(fragments.size());
  }
}
