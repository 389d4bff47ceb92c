package dev.betanet.protocol.tunnel;

import static dev.betanet.protocol.tunnel.Transcript.CONFIRM;
import static dev.betanet.protocol.tunnel.Transcript.CONFIRM_LENGTH;
import static dev.betanet.protocol.tunnel.Transcript.HELLO;
import static dev.betanet.protocol.tunnel.Transcript.HELLO_LENGTH;
import static dev.betanet.protocol.tunnel.Transcript.KEY;
import static dev.betanet.protocol.tunnel.Transcript.REPLY;
import static dev.betanet.protocol.tunnel.Transcript.REPLY_LENGTH;
import static dev.betanet.protocol.tunnel.Transcript.REPLY_SIGNED_LENGTH;
import static dev.betanet.protocol.tunnel.Transcript.SIGNATURE;
import static dev.betanet.protocol.tunnel.Transcript.VERSION;

import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.tunnel.TunnelException.Kind;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The entry router's side of a fallback-tunnel handshake (layout in {@link Transcript}): send
 * {@link #hello()}, pass the responder's reply to {@link #onReply}, send the confirmation it
 * returns, then use {@link Established#session()}. Single use.
 */
public final class TunnelInitiator {

  /** The handshake's last message, to send, and the session it opens. */
  public record Established(byte[] confirm, TunnelSession session) {}

  private final byte[] identityPrivate;
  private final Key32 expectedResponder;
  private final byte[] ephemeralPrivate = new byte[KEY];
  private final byte[] hello = new byte[HELLO_LENGTH];
  private boolean replied;

  /**
   * @param identityPrivate this router's Ed25519 private key (copied)
   * @param expectedResponder the exit router's Ed25519 identity, from the topology
   */
  public TunnelInitiator(byte[] identityPrivate, Key32 expectedResponder, SecureRandom random) {
    this.identityPrivate = identityPrivate.clone();
    this.expectedResponder = expectedResponder;
    X25519.generatePrivateKey(random, ephemeralPrivate);
    hello[0] = VERSION;
    hello[1] = HELLO;
    System.arraycopy(Ed25519Keys.publicOf(this.identityPrivate).bytes(), 0, hello, 2, KEY);
    X25519.generatePublicKey(ephemeralPrivate, 0, hello, 2 + KEY);
  }

  /** The first message. */
  public byte[] hello() {
    return hello.clone();
  }

  /** Checks the responder's reply; on success the confirmation to send and the session. */
  public Established onReply(byte[] reply) throws TunnelException {
    if (replied) {
      throw new IllegalStateException("BUG: a TunnelInitiator is single use");
    }
    replied = true;
    try {
      Transcript.expect(reply, REPLY, REPLY_LENGTH);
      Key32 responder = Key32.of(Arrays.copyOfRange(reply, 2, 2 + KEY));
      if (!responder.equals(expectedResponder)) {
        throw new TunnelException(
            Kind.UNEXPECTED_PEER,
            "expected router " + expectedResponder + ", reached " + responder);
      }
      byte[] signature = Arrays.copyOfRange(reply, REPLY_SIGNED_LENGTH, REPLY_LENGTH);
      if (!Ed25519Keys.verify(responder, Transcript.responderSigned(hello, reply), signature)) {
        throw new TunnelException(Kind.BAD_SIGNATURE, "responder signature does not verify");
      }
      byte[] peerEphemeral = Arrays.copyOfRange(reply, 2 + KEY, 2 + 2 * KEY);
      TunnelSession session =
          Transcript.session(responder, ephemeralPrivate, peerEphemeral, hello, reply, true);
      byte[] confirm = new byte[CONFIRM_LENGTH];
      confirm[0] = VERSION;
      confirm[1] = CONFIRM;
      byte[] mySignature =
          Ed25519Keys.sign(identityPrivate, Transcript.initiatorSigned(hello, reply));
      System.arraycopy(mySignature, 0, confirm, 2, SIGNATURE);
      return new Established(confirm, session);
    } finally {
      Arrays.fill(ephemeralPrivate, (byte) 0);
      Arrays.fill(identityPrivate, (byte) 0);
    }
  }
}
