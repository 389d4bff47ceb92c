package dev.betanet.protocol.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.tunnel.TunnelException.Kind;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class TunnelHandshakeTest {

  private final SecureRandom random = new SecureRandom();
  private final byte[] entryKey = Ed25519Keys.generatePrivate(random);
  private final byte[] exitKey = Ed25519Keys.generatePrivate(random);
  private final Key32 entry = Ed25519Keys.publicOf(entryKey);
  private final Key32 exit = Ed25519Keys.publicOf(exitKey);

  private record Pair(TunnelSession entry, TunnelSession exit) {}

  private Pair handshake() throws TunnelException {
    var initiator = new TunnelInitiator(entryKey, exit, random);
    var responder = new TunnelResponder(exitKey, Set.of(entry)::contains, random);
    var established = initiator.onReply(responder.onHello(initiator.hello()));
    return new Pair(established.session(), responder.onConfirm(established.confirm()));
  }

  @Test
  void carriesFramesBothWaysAndAuthenticatesBothRouters() throws Exception {
    Pair tunnel = handshake();

    byte[] request = "GET /hello".getBytes(StandardCharsets.UTF_8);
    byte[] response = "200 hello".getBytes(StandardCharsets.UTF_8);

    assertThat(tunnel.exit().open(tunnel.entry().seal(request))).isEqualTo(request);
    assertThat(tunnel.entry().open(tunnel.exit().seal(response))).isEqualTo(response);
    assertThat(tunnel.exit().open(tunnel.entry().seal(request))).isEqualTo(request);
    assertThat(tunnel.entry().peer()).isEqualTo(exit);
    assertThat(tunnel.exit().peer()).isEqualTo(entry);
  }

  @Test
  void freshSessionsUseFreshKeys() throws Exception {
    byte[] plaintext = new byte[64];

    byte[] first = handshake().entry().seal(plaintext);
    byte[] second = handshake().entry().seal(plaintext);

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void refusesAnImpostorExitRouter() throws Exception {
    byte[] impostorKey = Ed25519Keys.generatePrivate(random);
    var initiator = new TunnelInitiator(entryKey, exit, random);
    var impostor = new TunnelResponder(impostorKey, key -> true, random);
    byte[] reply = impostor.onHello(initiator.hello());

    assertKind(() -> initiator.onReply(reply), Kind.UNEXPECTED_PEER);
  }

  @Test
  void refusesARouterOutsideTheTopology() {
    var stranger = new TunnelInitiator(Ed25519Keys.generatePrivate(random), exit, random);
    var responder = new TunnelResponder(exitKey, Set.of(entry)::contains, random);

    assertKind(() -> responder.onHello(stranger.hello()), Kind.UNKNOWN_PEER);
  }

  @Test
  void refusesATamperedReply() throws Exception {
    var initiator = new TunnelInitiator(entryKey, exit, random);
    var responder = new TunnelResponder(exitKey, Set.of(entry)::contains, random);
    byte[] reply = responder.onHello(initiator.hello());
    reply[40] ^= 1; // inside the responder's ephemeral key

    assertKind(() -> initiator.onReply(reply), Kind.BAD_SIGNATURE);
  }

  @Test
  void refusesAConfirmationReplayedFromAnotherHandshake() throws Exception {
    var firstInitiator = new TunnelInitiator(entryKey, exit, random);
    var firstResponder = new TunnelResponder(exitKey, Set.of(entry)::contains, random);
    byte[] recordedConfirm =
        firstInitiator.onReply(firstResponder.onHello(firstInitiator.hello())).confirm();

    // An attacker replays the entry router's recorded hello and confirmation.
    var responder = new TunnelResponder(exitKey, Set.of(entry)::contains, random);
    responder.onHello(firstInitiator.hello());

    assertKind(() -> responder.onConfirm(recordedConfirm), Kind.BAD_SIGNATURE);
  }

  @Test
  void refusesMalformedHandshakeMessages() {
    var responder = new TunnelResponder(exitKey, key -> true, random);
    byte[] wrongVersion = new TunnelInitiator(entryKey, exit, random).hello();
    wrongVersion[0] = 9;

    assertKind(() -> responder.onHello(new byte[10]), Kind.MALFORMED);
    assertKind(
        () -> new TunnelResponder(exitKey, key -> true, random).onHello(wrongVersion),
        Kind.MALFORMED);
    assertThatThrownBy(() -> new TunnelResponder(exitKey, key -> true, random).onHello(new byte[3]))
        .hasMessageContaining("got 3 bytes, expected 66");
  }

  @Test
  void refusesALowOrderEphemeralKey() throws Exception {
    // A correctly signed handshake whose ephemeral key is the all-zero point: no shared secret.
    byte[] hello = new TunnelInitiator(entryKey, exit, random).hello();
    Arrays.fill(hello, 2 + Transcript.KEY, Transcript.HELLO_LENGTH, (byte) 0);
    var responder = new TunnelResponder(exitKey, key -> true, random);
    byte[] reply = responder.onHello(hello);
    byte[] confirm = new byte[Transcript.CONFIRM_LENGTH];
    confirm[0] = Transcript.VERSION;
    confirm[1] = Transcript.CONFIRM;
    byte[] signature = Ed25519Keys.sign(entryKey, Transcript.initiatorSigned(hello, reply));
    System.arraycopy(signature, 0, confirm, 2, signature.length);

    assertKind(() -> responder.onConfirm(confirm), Kind.WEAK_KEY);
  }

  @Test
  void refusesTamperedReplayedAndReorderedFrames() throws Exception {
    Pair tunnel = handshake();
    byte[] first = tunnel.entry().seal(new byte[] {1});
    byte[] second = tunnel.entry().seal(new byte[] {2});

    byte[] flipped = first.clone();
    flipped[0] ^= 1;
    assertKind(() -> tunnel.exit().open(flipped), Kind.BAD_FRAME);
    assertKind(() -> tunnel.exit().open(second), Kind.BAD_FRAME);

    Pair fresh = handshake();
    byte[] frame = fresh.entry().seal(new byte[] {7});
    assertThat(fresh.exit().open(frame)).containsExactly(7);
    assertKind(() -> fresh.exit().open(frame), Kind.BAD_FRAME);
  }

  @Test
  void refusesOversizedFrames() throws Exception {
    Pair tunnel = handshake();

    assertKind(
        () -> tunnel.entry().seal(new byte[TunnelSession.MAX_PLAINTEXT + 1]), Kind.FRAME_TOO_LARGE);
    assertKind(() -> tunnel.exit().open(new byte[5]), Kind.BAD_FRAME);
  }

  private static void assertKind(ThrowingCallable call, Kind kind) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(TunnelException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }
}
