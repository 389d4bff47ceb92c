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
    byte[] proof = initiator.onChallenge(responder.onHello(initiator.hello()));
    var accepted = responder.onProof(proof);
    return new Pair(initiator.onAccept(accepted.accept()), accepted.session());
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
    byte[] challenge = impostor.onHello(initiator.hello());

    assertKind(() -> initiator.onChallenge(challenge), Kind.UNEXPECTED_PEER);
  }

  @Test
  void refusesARouterOutsideTheTopology() {
    var stranger = new TunnelInitiator(Ed25519Keys.generatePrivate(random), exit, random);
    var responder = new TunnelResponder(exitKey, Set.of(entry)::contains, random);

    assertKind(() -> responder.onHello(stranger.hello()), Kind.UNKNOWN_PEER);
  }

  /**
   * Issue 22, item 8: someone who names a router of the topology without holding its key gets only
   * the exit's public identity and a fresh ephemeral key, never a signature; its proof fails.
   */
  @Test
  void anInitiatorWithoutTheKeyOfTheRouterItNamesGetsNoSignature() throws Exception {
    var responder = new TunnelResponder(exitKey, Set.of(entry)::contains, random);
    byte[] forgedHello = new TunnelInitiator(entryKey, exit, random).hello(); // public bytes only
    byte[] challenge = responder.onHello(forgedHello);

    assertThat(challenge).hasSize(Transcript.CHALLENGE_LENGTH);
    assertThat(Arrays.copyOfRange(challenge, 2, 2 + Transcript.KEY)).isEqualTo(exit.bytes());
    // Its own key signs the transcript: not the key of the router it named.
    byte[] proof = new byte[Transcript.PROOF_LENGTH];
    proof[0] = Transcript.VERSION;
    proof[1] = Transcript.PROOF;
    byte[] signature =
        Ed25519Keys.sign(
            Ed25519Keys.generatePrivate(random),
            Transcript.initiatorSigned(forgedHello, challenge));
    System.arraycopy(signature, 0, proof, 2, signature.length);
    assertKind(() -> responder.onProof(proof), Kind.BAD_SIGNATURE);
  }

  @Test
  void refusesATamperedChallengeOrAccept() throws Exception {
    var initiator = new TunnelInitiator(entryKey, exit, random);
    var responder = new TunnelResponder(exitKey, Set.of(entry)::contains, random);
    byte[] challenge = responder.onHello(initiator.hello());
    challenge[40] ^= 1; // inside the responder's ephemeral key
    // The initiator signs what it saw; the responder's transcript differs: refused, unsigned.
    byte[] proof = initiator.onChallenge(challenge);
    assertKind(() -> responder.onProof(proof), Kind.BAD_SIGNATURE);

    var second = new TunnelInitiator(entryKey, exit, random);
    var secondResponder = new TunnelResponder(exitKey, Set.of(entry)::contains, random);
    byte[] accept =
        secondResponder
            .onProof(second.onChallenge(secondResponder.onHello(second.hello())))
            .accept();
    accept[10] ^= 1;
    assertKind(() -> second.onAccept(accept), Kind.BAD_SIGNATURE);
  }

  @Test
  void refusesAProofReplayedFromAnotherHandshake() throws Exception {
    var firstInitiator = new TunnelInitiator(entryKey, exit, random);
    var firstResponder = new TunnelResponder(exitKey, Set.of(entry)::contains, random);
    byte[] recordedProof =
        firstInitiator.onChallenge(firstResponder.onHello(firstInitiator.hello()));

    // An attacker replays the entry router's recorded hello and proof to a fresh challenge.
    var responder = new TunnelResponder(exitKey, Set.of(entry)::contains, random);
    responder.onHello(firstInitiator.hello());

    assertKind(() -> responder.onProof(recordedProof), Kind.BAD_SIGNATURE);
  }

  @Test
  void refusesMalformedHandshakeMessages() {
    var responder = new TunnelResponder(exitKey, key -> true, random);
    byte[] wrongVersion = new TunnelInitiator(entryKey, exit, random).hello();
    wrongVersion[0] = 1; // version 1, which signed before the initiator proved its key

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
    byte[] challenge = responder.onHello(hello);
    byte[] proof = new byte[Transcript.PROOF_LENGTH];
    proof[0] = Transcript.VERSION;
    proof[1] = Transcript.PROOF;
    byte[] signature = Ed25519Keys.sign(entryKey, Transcript.initiatorSigned(hello, challenge));
    System.arraycopy(signature, 0, proof, 2, signature.length);

    assertKind(() -> responder.onProof(proof), Kind.WEAK_KEY);
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
