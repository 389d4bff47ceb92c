package dev.betanet.protocol.tunnel;

import static dev.betanet.protocol.tunnel.Transcript.ACCEPT;
import static dev.betanet.protocol.tunnel.Transcript.ACCEPT_LENGTH;
import static dev.betanet.protocol.tunnel.Transcript.CHALLENGE;
import static dev.betanet.protocol.tunnel.Transcript.CHALLENGE_LENGTH;
import static dev.betanet.protocol.tunnel.Transcript.HELLO;
import static dev.betanet.protocol.tunnel.Transcript.KEY;
import static dev.betanet.protocol.tunnel.Transcript.PROOF;

import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.tunnel.TunnelException.Kind;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The entry router's side of a fallback-tunnel handshake (layout in {@link Transcript}): send
 * {@link #hello()}, pass the responder's challenge to {@link #onChallenge} and send the proof it
 * returns, then pass the responder's accept message to {@link #onAccept} to get the session.
 * Nothing may be sent through the session before {@link #onAccept} returns it: only then is the
 * responder authenticated. Single use; {@link #destroy} wipes the key copies of a handshake that
 * ends early.
 */
public final class TunnelInitiator {

  private final byte[] identityPrivate;
  private final Key32 expectedResponder;
  private final byte[] ephemeralPrivate = new byte[KEY];
  private final byte[] hello;
  private byte[] challenge;
  private TunnelSession session;
  private boolean done;

  /**
   * @param identityPrivate this router's Ed25519 private key (copied; wiped after the proof is
   *     signed or by {@link #destroy})
   * @param expectedResponder the exit router's Ed25519 identity, from the topology
   */
  public TunnelInitiator(byte[] identityPrivate, Key32 expectedResponder, SecureRandom random) {
    this.identityPrivate = identityPrivate.clone();
    this.expectedResponder = expectedResponder;
    X25519.generatePrivateKey(random, ephemeralPrivate);
    byte[] ephemeralPublic = new byte[KEY];
    X25519.generatePublicKey(ephemeralPrivate, 0, ephemeralPublic, 0);
    hello =
        Transcript.message(
            HELLO, Ed25519Keys.publicOf(this.identityPrivate).bytes(), ephemeralPublic);
  }

  /** The first message. */
  public byte[] hello() {
    return hello.clone();
  }

  /**
   * Checks that the challenge comes from the expected responder and returns the proof to send: this
   * router's signature over the transcript, which names the responder and covers its fresh
   * ephemeral key. The session keys are derived now, and held until {@link #onAccept}.
   */
  public byte[] onChallenge(byte[] message) throws TunnelException {
    if (challenge != null || done) {
      throw new IllegalStateException("BUG: a TunnelInitiator is single use");
    }
    challenge = new byte[0];
    try {
      Transcript.expect(message, CHALLENGE, CHALLENGE_LENGTH);
      Key32 responder = Key32.of(Arrays.copyOfRange(message, 2, 2 + KEY));
      if (!responder.equals(expectedResponder)) {
        throw new TunnelException(
            Kind.UNEXPECTED_PEER,
            "expected router " + expectedResponder + ", reached " + responder);
      }
      challenge = message.clone();
      byte[] peerEphemeral = Arrays.copyOfRange(message, 2 + KEY, 2 + 2 * KEY);
      session =
          Transcript.session(responder, ephemeralPrivate, peerEphemeral, hello, challenge, true);
      return Transcript.message(
          PROOF, Ed25519Keys.sign(identityPrivate, Transcript.initiatorSigned(hello, challenge)));
    } catch (TunnelException e) {
      destroy();
      throw e;
    } finally {
      // Both keys are needed exactly once: the agreement and the proof are done.
      Arrays.fill(ephemeralPrivate, (byte) 0);
      Arrays.fill(identityPrivate, (byte) 0);
    }
  }

  /** Checks the responder's signature over the transcript; on success the session. */
  public TunnelSession onAccept(byte[] accept) throws TunnelException {
    if (session == null || done) {
      throw new IllegalStateException("BUG: onAccept before onChallenge, or twice");
    }
    done = true;
    Transcript.expect(accept, ACCEPT, ACCEPT_LENGTH);
    byte[] signature = Arrays.copyOfRange(accept, 2, ACCEPT_LENGTH);
    if (!Ed25519Keys.verify(
        expectedResponder, Transcript.responderSigned(hello, challenge), signature)) {
      throw new TunnelException(Kind.BAD_SIGNATURE, "responder signature does not verify");
    }
    return session;
  }

  /** Wipes the identity and ephemeral key copies; the initiator cannot be used afterwards. */
  public void destroy() {
    done = true;
    Arrays.fill(identityPrivate, (byte) 0);
    Arrays.fill(ephemeralPrivate, (byte) 0);
  }
}
