package dev.betanet.protocol.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.tunnel.TunnelException.Kind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;

/**
 * Fuzz targets for the fallback tunnel (docs/tunnel.md): a real handshake between two routers with
 * fixed test identities, where the fuzzer may rewrite any handshake message on the wire, then
 * frames in both directions that it may tamper with, cut, replay or reorder. The contract: only a
 * {@link TunnelException}; a handshake completes if and only if no message was changed, and then
 * both sides hold matching keys; a frame opens if and only if it is the next genuine one, and then
 * to exactly the plaintext that was sealed.
 *
 * <p>Regression inputs: {@code
 * src/test/resources/dev/betanet/protocol/tunnel/TunnelFuzzTestInputs}.
 */
class TunnelFuzzTest {

  private static final byte[] ENTRY_PRIVATE = sha256("tunnel fuzz: entry router");
  private static final byte[] EXIT_PRIVATE = sha256("tunnel fuzz: exit router");
  private static final Key32 ENTRY = Ed25519Keys.publicOf(ENTRY_PRIVATE);
  private static final Key32 EXIT = Ed25519Keys.publicOf(EXIT_PRIVATE);

  /** Where the fuzzer may act: nothing, or one of the four handshake messages. */
  private enum Step {
    NONE,
    HELLO,
    CHALLENGE,
    PROOF,
    ACCEPT
  }

  @FuzzTest(maxDuration = "60s")
  void handshakeRefusesAnyChangedMessage(FuzzedDataProvider data) throws TunnelException {
    Step step = data.pickValue(Step.values());
    boolean replace = data.consumeBoolean();
    int position = data.consumeInt(0, 129);
    int mask = data.consumeInt(1, 255);
    byte[] replacement = data.consumeRemainingAsBytes();

    TunnelInitiator initiator = new TunnelInitiator(ENTRY_PRIVATE, EXIT, random(1));
    TunnelResponder responder = new TunnelResponder(EXIT_PRIVATE, ENTRY::equals, random(2));

    byte[] hello = initiator.hello();
    byte[] sentHello = tamper(step == Step.HELLO, hello, replace, position, mask, replacement);
    boolean helloChanged = !Arrays.equals(sentHello, hello);
    TunnelResult<byte[]> challenge = attempt(() -> responder.onHello(sentHello));
    if (challenge.refused() != null) {
      assertThat(helloChanged).isTrue();
      assertThat(challenge.refused()).isIn(Set.of(Kind.MALFORMED, Kind.UNKNOWN_PEER));
      return;
    }
    byte[] sentChallenge =
        tamper(step == Step.CHALLENGE, challenge.value(), replace, position, mask, replacement);
    boolean challengeChanged = !Arrays.equals(sentChallenge, challenge.value());
    TunnelResult<byte[]> proof = attempt(() -> initiator.onChallenge(sentChallenge));
    if (proof.refused() != null) {
      assertThat(challengeChanged).isTrue();
      assertThat(proof.refused()).isIn(Set.of(Kind.MALFORMED, Kind.UNEXPECTED_PEER, Kind.WEAK_KEY));
      return;
    }
    byte[] sentProof =
        tamper(step == Step.PROOF, proof.value(), replace, position, mask, replacement);
    TunnelResult<TunnelResponder.Accepted> accepted = attempt(() -> responder.onProof(sentProof));
    if (accepted.refused() != null) {
      // The responder signs nothing unless the initiator proved its key over this very transcript.
      assertThat(helloChanged || challengeChanged || !Arrays.equals(sentProof, proof.value()))
          .isTrue();
      assertThat(accepted.refused()).isIn(Kind.MALFORMED, Kind.BAD_SIGNATURE, Kind.WEAK_KEY);
      return;
    }
    // The responder accepted: the hello, challenge and proof are the genuine ones.
    assertThat(sentHello).isEqualTo(hello);
    assertThat(sentChallenge).isEqualTo(challenge.value());
    assertThat(sentProof).isEqualTo(proof.value());
    byte[] accept = accepted.value().accept();
    byte[] sentAccept = tamper(step == Step.ACCEPT, accept, replace, position, mask, replacement);
    TunnelResult<TunnelSession> session = attempt(() -> initiator.onAccept(sentAccept));
    if (!Arrays.equals(sentAccept, accept)) {
      assertThat(session.refused()).isIn(Kind.MALFORMED, Kind.BAD_SIGNATURE);
      return;
    }
    assertThat(session.refused()).isNull();
    assertThat(session.value().peer()).isEqualTo(EXIT);
    assertThat(accepted.value().session().peer()).isEqualTo(ENTRY);
    // Matching keys: a frame sealed by one side opens at the other, both ways.
    byte[] probe = "probe".getBytes(StandardCharsets.US_ASCII);
    assertThat(accepted.value().session().open(session.value().seal(probe))).isEqualTo(probe);
    assertThat(session.value().open(accepted.value().session().seal(probe))).isEqualTo(probe);
  }

  @FuzzTest(maxDuration = "60s")
  void framesOpenOnlyInOrderAndIntact(FuzzedDataProvider data) throws TunnelException {
    TunnelSession[] sessions = sessionPair();
    TunnelSession sender = sessions[0];
    TunnelSession receiver = sessions[1];
    int frames = data.consumeInt(1, 8);
    long opened = 0;
    long sealed = 0;
    for (int f = 0; f < frames && data.remainingBytes() > 0; f++) {
      byte[] plaintext = data.consumeBytes(data.consumeInt(0, 256));
      byte[] frame = sender.seal(plaintext);
      sealed++;
      assertThat(frame).hasSize(plaintext.length + TunnelSession.TAG_LENGTH);
      int action = data.consumeInt(0, 4);
      switch (action) {
        case 0 -> {
          assertThat(receiver.open(frame)).isEqualTo(plaintext);
          opened++;
        }
        case 1 -> {
          // A changed byte anywhere (ciphertext or tag) fails authentication.
          frame[data.consumeInt(0, frame.length - 1)] ^= (byte) data.consumeInt(1, 255);
          refused(receiver, frame, Kind.BAD_FRAME);
          return;
        }
        case 2 -> {
          // Cut: shorter than a tag is refused by length, longer fails authentication.
          byte[] cut = Arrays.copyOf(frame, data.consumeInt(0, frame.length - 1));
          refused(receiver, cut, Kind.BAD_FRAME);
          return;
        }
        case 3 -> {
          // Dropped: the next genuine frame is out of order, so it fails too.
          if (f + 1 < frames) {
            refused(receiver, sender.seal(plaintext), Kind.BAD_FRAME);
            return;
          }
        }
        default -> {
          // Replayed: the same frame again after it opened.
          assertThat(receiver.open(frame)).isEqualTo(plaintext);
          opened++;
          refused(receiver, frame, Kind.BAD_FRAME);
          return;
        }
      }
    }
    assertThat(opened).isLessThanOrEqualTo(sealed);
  }

  private static void refused(TunnelSession receiver, byte[] frame, Kind kind) {
    assertThatExceptionOfType(TunnelException.class)
        .isThrownBy(() -> receiver.open(frame))
        .satisfies(e -> assertThat(e.kind()).isEqualTo(kind));
  }

  /**
   * A session pair under fixed test keys, {sender, receiver}: the handshake has its own target, so
   * this one spends its time on frames (a real handshake per input would cost ten times more).
   */
  private static TunnelSession[] sessionPair() {
    byte[] key = sha256("tunnel fuzz: frame key");
    byte[] otherKey = sha256("tunnel fuzz: other direction");
    byte[] nonce = Arrays.copyOf(sha256("tunnel fuzz: nonce"), 12);
    byte[] otherNonce = Arrays.copyOf(sha256("tunnel fuzz: other nonce"), 12);
    return new TunnelSession[] {
      new TunnelSession(EXIT, key, nonce, otherKey, otherNonce),
      new TunnelSession(ENTRY, otherKey, otherNonce, key, nonce)
    };
  }

  /**
   * The message as the fuzzer leaves it: unchanged, one byte flipped, or replaced by fuzz bytes
   * (any length, so wrong lengths, versions and types are reached).
   */
  private static byte[] tamper(
      boolean here, byte[] message, boolean replace, int position, int mask, byte[] replacement) {
    if (!here) {
      return message;
    }
    if (replace) {
      return replacement.clone();
    }
    byte[] changed = message.clone();
    changed[position % changed.length] ^= (byte) mask;
    return changed;
  }

  /** The value, or the refusal's kind; any other exception escapes and fails the fuzz test. */
  private record TunnelResult<T>(T value, Kind refused) {}

  private interface TunnelCall<T> {
    T run() throws TunnelException;
  }

  private static <T> TunnelResult<T> attempt(TunnelCall<T> step) {
    try {
      return new TunnelResult<>(step.run(), null);
    } catch (TunnelException e) {
      return new TunnelResult<>(null, e.kind());
    }
  }

  /** A reproducible random source, so that every run of one input is the same handshake. */
  private static SecureRandom random(int seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: every JDK has SHA1PRNG", e);
    }
  }

  private static byte[] sha256(String label) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(label.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: every JDK has SHA-256", e);
    }
  }
}
