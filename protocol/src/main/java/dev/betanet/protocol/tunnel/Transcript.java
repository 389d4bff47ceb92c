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
 * The handshake's wire layout, signed transcripts and key schedule, shared by both roles.
 *
 * <pre>
 * HELLO   (initiator → responder)  version 1 | type 1 | initiator Ed25519 (32) | e_i X25519 (32)
 * REPLY   (responder → initiator)  version 1 | type 2 | responder Ed25519 (32) | e_r X25519 (32)
 *                                  | sig_R (64) over "betanet tunnel v1 responder" || H(HELLO || REPLY[0..66))
 * CONFIRM (initiator → responder)  version 1 | type 3 | sig_I (64) over "betanet tunnel v1 initiator" || H(HELLO || REPLY)
 * keys    HKDF-SHA256(ikm = X25519(e_i, e_r), salt = H(HELLO || REPLY), info = "betanet tunnel v1 keys")
 *         → key i→r (32) | key r→i (32) | base nonce i→r (12) | base nonce r→i (12)
 * </pre>
 *
 * H is SHA-256. Each signature covers everything before it, including the peer's fresh ephemeral
 * key, so neither message can be replayed into another handshake; the session keys come from
 * ephemeral keys only, so recording a tunnel and later stealing a router's identity key reveals
 * nothing (forward secrecy).
 */
final class Transcript {

  static final byte VERSION = 1;
  static final byte HELLO = 1;
  static final byte REPLY = 2;
  static final byte CONFIRM = 3;
  static final int KEY = 32;
  static final int SIGNATURE = 64;
  static final int HELLO_LENGTH = 2 + KEY + KEY;
  static final int REPLY_SIGNED_LENGTH = 2 + KEY + KEY;
  static final int REPLY_LENGTH = REPLY_SIGNED_LENGTH + SIGNATURE;
  static final int CONFIRM_LENGTH = 2 + SIGNATURE;

  private static final byte[] RESPONDER_LABEL = ascii("betanet tunnel v1 responder");
  private static final byte[] INITIATOR_LABEL = ascii("betanet tunnel v1 initiator");
  private static final byte[] KEYS_LABEL = ascii("betanet tunnel v1 keys");
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

  static byte[] responderSigned(byte[] hello, byte[] reply) {
    return labelled(RESPONDER_LABEL, sha256(hello, reply, REPLY_SIGNED_LENGTH));
  }

  static byte[] initiatorSigned(byte[] hello, byte[] reply) {
    return labelled(INITIATOR_LABEL, sha256(hello, reply, REPLY_LENGTH));
  }

  /** Derives the session for one side; {@code initiator} says which direction is "sending". */
  static TunnelSession session(
      Key32 peer,
      byte[] ephemeralPrivate,
      byte[] peerEphemeral,
      byte[] hello,
      byte[] reply,
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
                      .addSalt(sha256(hello, reply, REPLY_LENGTH))
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

  private static byte[] sha256(byte[] hello, byte[] reply, int replyLength) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(hello);
      digest.update(reply, 0, replyLength);
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
