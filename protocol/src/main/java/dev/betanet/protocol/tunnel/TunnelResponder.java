package dev.betanet.protocol.tunnel;

import static dev.betanet.protocol.tunnel.Transcript.ACCEPT;
import static dev.betanet.protocol.tunnel.Transcript.CHALLENGE;
import static dev.betanet.protocol.tunnel.Transcript.HELLO;
import static dev.betanet.protocol.tunnel.Transcript.HELLO_LENGTH;
import static dev.betanet.protocol.tunnel.Transcript.KEY;
import static dev.betanet.protocol.tunnel.Transcript.PROOF;
import static dev.betanet.protocol.tunnel.Transcript.PROOF_LENGTH;

import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.tunnel.TunnelException.Kind;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Predicate;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The exit router's side of a fallback-tunnel handshake (layout in {@link Transcript}): pass the
 * initiator's hello to {@link #onHello} and send the challenge, then pass the proof to {@link
 * #onProof}, send its accept message and use its session. Nothing is signed for a peer before its
 * proof verifies, and nothing is decrypted for it before then either. Single use; {@link #destroy}
 * wipes the key copies of a handshake that ends early.
 */
public final class TunnelResponder {

  /** The handshake's last message, to send, and the session it opens. */
  public record Accepted(byte[] accept, TunnelSession session) {}

  private final byte[] identityPrivate;
  private final Predicate<Key32> acceptedInitiators;
  private final SecureRandom random;
  private byte[] hello;
  private byte[] challenge;
  private byte[] ephemeralPrivate;
  private Key32 initiator;
  private boolean done;

  /**
   * @param identityPrivate this router's Ed25519 private key (copied; wiped after its one signature
   *     or by {@link #destroy})
   * @param acceptedInitiators which router identities may open a tunnel (the topology's routers)
   */
  public TunnelResponder(
      byte[] identityPrivate, Predicate<Key32> acceptedInitiators, SecureRandom random) {
    this.identityPrivate = identityPrivate.clone();
    this.acceptedInitiators = acceptedInitiators;
    this.random = random;
  }

  /**
   * Checks the initiator's hello and returns the challenge to send: this router's identity and a
   * fresh ephemeral key, unsigned. A hello that does not name a router of the topology is refused
   * before any key is made.
   */
  public byte[] onHello(byte[] message) throws TunnelException {
    if (hello != null || done) {
      throw new IllegalStateException("BUG: a TunnelResponder is single use");
    }
    hello = new byte[0];
    try {
      Transcript.expect(message, HELLO, HELLO_LENGTH);
      initiator = Key32.of(Arrays.copyOfRange(message, 2, 2 + KEY));
      if (!acceptedInitiators.test(initiator)) {
        throw new TunnelException(
            Kind.UNKNOWN_PEER, "router " + initiator + " is not in the topology");
      }
    } catch (TunnelException e) {
      destroy();
      throw e;
    }
    hello = message.clone();
    ephemeralPrivate = new byte[KEY];
    X25519.generatePrivateKey(random, ephemeralPrivate);
    byte[] ephemeralPublic = new byte[KEY];
    X25519.generatePublicKey(ephemeralPrivate, 0, ephemeralPublic, 0);
    challenge =
        Transcript.message(
            CHALLENGE, Ed25519Keys.publicOf(identityPrivate).bytes(), ephemeralPublic);
    return challenge.clone();
  }

  /**
   * Checks the initiator's proof (its signature over the transcript, under the identity its hello
   * named); only then signs. Returns the accept message to send and the session. Every outcome
   * wipes this responder's key copies.
   */
  public Accepted onProof(byte[] proof) throws TunnelException {
    if (challenge == null || done) {
      throw new IllegalStateException("BUG: onProof before onHello, or twice");
    }
    try {
      Transcript.expect(proof, PROOF, PROOF_LENGTH);
      byte[] signature = Arrays.copyOfRange(proof, 2, PROOF_LENGTH);
      if (!Ed25519Keys.verify(initiator, Transcript.initiatorSigned(hello, challenge), signature)) {
        throw new TunnelException(Kind.BAD_SIGNATURE, "initiator signature does not verify");
      }
      byte[] peerEphemeral = Arrays.copyOfRange(hello, 2 + KEY, 2 + 2 * KEY);
      TunnelSession session =
          Transcript.session(initiator, ephemeralPrivate, peerEphemeral, hello, challenge, false);
      byte[] accept =
          Transcript.message(
              ACCEPT,
              Ed25519Keys.sign(identityPrivate, Transcript.responderSigned(hello, challenge)));
      return new Accepted(accept, session);
    } finally {
      destroy();
    }
  }

  /** Wipes the identity and ephemeral key copies; the responder cannot be used afterwards. */
  public void destroy() {
    done = true;
    Arrays.fill(identityPrivate, (byte) 0);
    if (ephemeralPrivate != null) {
      Arrays.fill(ephemeralPrivate, (byte) 0);
      ephemeralPrivate = null;
    }
  }
}
