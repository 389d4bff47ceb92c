package dev.betanet.protocol.tunnel;

import static dev.betanet.protocol.tunnel.Transcript.CONFIRM;
import static dev.betanet.protocol.tunnel.Transcript.CONFIRM_LENGTH;
import static dev.betanet.protocol.tunnel.Transcript.HELLO;
import static dev.betanet.protocol.tunnel.Transcript.HELLO_LENGTH;
import static dev.betanet.protocol.tunnel.Transcript.KEY;
import static dev.betanet.protocol.tunnel.Transcript.REPLY;
import static dev.betanet.protocol.tunnel.Transcript.REPLY_LENGTH;
import static dev.betanet.protocol.tunnel.Transcript.REPLY_SIGNED_LENGTH;
import static dev.betanet.protocol.tunnel.Transcript.VERSION;

import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.tunnel.TunnelException.Kind;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Predicate;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The exit router's side of a fallback-tunnel handshake (layout in {@link Transcript}): pass the
 * initiator's hello to {@link #onHello} and send the reply, then pass the confirmation to {@link
 * #onConfirm} to get the session. Nothing is decrypted for a peer before its confirmation verifies.
 * Single use.
 */
public final class TunnelResponder {

  private final byte[] identityPrivate;
  private final Predicate<Key32> acceptedInitiators;
  private final SecureRandom random;
  private byte[] hello;
  private byte[] reply;
  private byte[] ephemeralPrivate;
  private Key32 initiator;

  /**
   * @param identityPrivate this router's Ed25519 private key (copied)
   * @param acceptedInitiators which router identities may open a tunnel (the topology's routers)
   */
  public TunnelResponder(
      byte[] identityPrivate, Predicate<Key32> acceptedInitiators, SecureRandom random) {
    this.identityPrivate = identityPrivate.clone();
    this.acceptedInitiators = acceptedInitiators;
    this.random = random;
  }

  /** Checks the initiator's hello and returns the reply to send. */
  public byte[] onHello(byte[] message) throws TunnelException {
    if (hello != null) {
      throw new IllegalStateException("BUG: a TunnelResponder is single use");
    }
    hello = new byte[0];
    try {
      Transcript.expect(message, HELLO, HELLO_LENGTH);
      hello = message.clone();
      initiator = Key32.of(Arrays.copyOfRange(hello, 2, 2 + KEY));
      if (!acceptedInitiators.test(initiator)) {
        throw new TunnelException(
            Kind.UNKNOWN_PEER, "router " + initiator + " is not in the topology");
      }
      ephemeralPrivate = new byte[KEY];
      X25519.generatePrivateKey(random, ephemeralPrivate);
      reply = new byte[REPLY_LENGTH];
      reply[0] = VERSION;
      reply[1] = REPLY;
      System.arraycopy(Ed25519Keys.publicOf(identityPrivate).bytes(), 0, reply, 2, KEY);
      X25519.generatePublicKey(ephemeralPrivate, 0, reply, 2 + KEY);
      byte[] signature =
          Ed25519Keys.sign(identityPrivate, Transcript.responderSigned(hello, reply));
      System.arraycopy(signature, 0, reply, REPLY_SIGNED_LENGTH, signature.length);
      return reply.clone();
    } finally {
      // The identity key is needed for exactly one signature.
      Arrays.fill(identityPrivate, (byte) 0);
    }
  }

  /** Checks the initiator's confirmation; on success the session. */
  public TunnelSession onConfirm(byte[] confirm) throws TunnelException {
    if (reply == null || ephemeralPrivate == null) {
      throw new IllegalStateException("BUG: onConfirm before onHello, or twice");
    }
    try {
      Transcript.expect(confirm, CONFIRM, CONFIRM_LENGTH);
      byte[] signature = Arrays.copyOfRange(confirm, 2, CONFIRM_LENGTH);
      if (!Ed25519Keys.verify(initiator, Transcript.initiatorSigned(hello, reply), signature)) {
        throw new TunnelException(Kind.BAD_SIGNATURE, "initiator signature does not verify");
      }
      byte[] peerEphemeral = Arrays.copyOfRange(hello, 2 + KEY, 2 + 2 * KEY);
      return Transcript.session(initiator, ephemeralPrivate, peerEphemeral, hello, reply, false);
    } finally {
      Arrays.fill(ephemeralPrivate, (byte) 0);
      ephemeralPrivate = null;
    }
  }
}
