package dev.betanet.protocol.tunnel;

import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.tunnel.TunnelException.Kind;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.KDF;
import javax.crypto.spec.HKDFParameterSpec;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The handshake's wire layout, signed transcript and key schedule, shared by both roles.
 *
 * <pre>
 * HELLO     (initiator → responder)  version 2 | type 1 | initiator Ed25519 (32) | e_i X25519 (32)
 * CHALLENGE (responder → initiator)  version 2 | type 2 | responder Ed25519 (32) | e_r X25519 (32)
 * PROOF     (initiator → responder)  version 2 | type 3 | sig_I (64)
 * ACCEPT    (responder → initiator)  version 2 | type 4 | sig_R (64)
 * T       = H(HELLO || CHALLENGE)
 * sig_I   = Ed25519(initiator, "betanet tunnel v2 initiator" || T)
 * sig_R   = Ed25519(responder, "betanet tunnel v2 responder" || T)
 * keys      HKDF-SHA256(ikm = X25519(e_i, e_r), salt = T, info = "betanet tunnel v2 keys")
 *         → key i→r (32) | key r→i (32) | base nonce i→r (12) | base nonce r→i (12)
 * </pre>
 *
 * H is SHA-256. The initiator proves its key first: the responder signs nothing until {@code sig_I}
 * verifies (version 1 signed its reply for anyone who named a router of the topology, an Ed25519
 * signature on demand for a stranger). Both signatures cover both identities and both fresh
 * ephemeral keys, so neither can be replayed into another handshake or relayed to another
 * responder; the session keys come from ephemeral keys only, so recording a tunnel and later
 * stealing a router's identity key reveals nothing (forward secrecy).
 */
final class Transcript {

  static final byte VERSION = 2;
  static final byte HELLO = 1;
  static final byte CHALLENGE = 2;
  static final byte PROOF = 3;
  static final byte ACCEPT = 4;
  static final int KEY = 32;
  static final int SIGNATURE = 64;
  static final int HELLO_LENGTH = 2 + KEY + KEY;
  static final int CHALLENGE_LENGTH = 2 + KEY + KEY;
  static final int PROOF_LENGTH = 2 + SIGNATURE;
  static final int ACCEPT_LENGTH = 2 + SIGNATURE;

  private static final byte[] RESPONDER_LABEL = ascii("betanet tunnel v2 responder");
  private static final byte[] INITIATOR_LABEL = ascii("betanet tunnel v2 initiator");
  private static final byte[] KEYS_LABEL = ascii("betanet tunnel v2 keys");
  private static final int NONCE = 12;

  private Transcript() {}

  static void expect(byte[] message, byte type, int length) throws TunnelException {
    if (message.length != length) {
      throw new TunnelException(
          Kind.MALFORMED,
          "handshake message type "
              + type
              + ": got "
              + message.length
              + " bytes, expected "
              + length);
    }
    if (message[0] != VERSION) {
      throw new TunnelException(Kind.MALFORMED, "unknown tunnel version " + message[0]);
    }
    if (message[1] != type) {
      throw new TunnelException(
          Kind.MALFORMED, "expected handshake message type " + type + ", got " + message[1]);
    }
  }

  static byte[] responderSigned(byte[] hello, byte[] challenge) {
    return labelled(RESPONDER_LABEL, sha256(hello, challenge));
  }

  static byte[] initiatorSigned(byte[] hello, byte[] challenge) {
    return labelled(INITIATOR_LABEL, sha256(hello, challenge));
  }

  /** A message to send: version, type, then {@code parts} in order. */
  static byte[] message(byte type, byte[]... parts) {
    int length = 2;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] message = new byte[length];
    message[0] = VERSION;
    message[1] = type;
    int at = 2;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, message, at, part.length);
      at += part.length;
    }
    return message;
  }

  /** Derives the session for one side; {@code initiator} says which direction is "sending". */
  static TunnelSession session(
      Key32 peer,
      byte[] ephemeralPrivate,
      byte[] peerEphemeral,
      byte[] hello,
      byte[] challenge,
      boolean initiator)
      throws TunnelException {
    byte[] shared = new byte[KEY];
    if (!X25519.calculateAgreement(ephemeralPrivate, 0, peerEphemeral, 0, shared, 0)) {
      throw new TunnelException(Kind.WEAK_KEY, "peer ephemeral key is a low-order point");
    }
    byte[] okm;
    try {
      okm =
          KDF.getInstance("HKDF-SHA256")
              .deriveData(
                  HKDFParameterSpec.ofExtract()
                      .addIKM(shared)
                      .addSalt(sha256(hello, challenge))
                      .thenExpand(KEYS_LABEL, 2 * KEY + 2 * NONCE));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("BUG: HKDF-SHA256 unavailable", e);
    } finally {
      Arrays.fill(shared, (byte) 0);
    }
    byte[] keyI2r = Arrays.copyOfRange(okm, 0, KEY);
    byte[] keyR2i = Arrays.copyOfRange(okm, KEY, 2 * KEY);
    byte[] nonceI2r = Arrays.copyOfRange(okm, 2 * KEY, 2 * KEY + NONCE);
    byte[] nonceR2i = Arrays.copyOfRange(okm, 2 * KEY + NONCE, 2 * KEY + 2 * NONCE);
    Arrays.fill(okm, (byte) 0);
    return initiator
        ? new TunnelSession(peer, keyI2r, nonceI2r, keyR2i, nonceR2i)
        : new TunnelSession(peer, keyR2i, nonceR2i, keyI2r, nonceI2r);
  }

  private static byte[] sha256(byte[] hello, byte[] challenge) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(hello);
      digest.update(challenge);
      return digest.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("BUG: SHA-256 unavailable", e);
    }
  }

  private static byte[] labelled(byte[] label, byte[] hash) {
    byte[] message = new byte[label.length + hash.length];
    System.arraycopy(label, 0, message, 0, label.length);
    System.arraycopy(hash, 0, message, label.length, hash.length);
    return message;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
