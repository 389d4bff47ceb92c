package dev.betanet.protocol.tunnel;

import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.tunnel.TunnelException.Kind;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An established tunnel: ChaCha20-Poly1305 frames, one key per direction, both from the handshake's
 * HKDF. The nonce of frame {@code n} is the direction's HKDF-derived base nonce XOR {@code n}
 * (big-endian in the last 8 bytes), so no nonce repeats under a key and a replayed, dropped or
 * reordered frame fails authentication: the tunnel runs over TCP, which never reorders.
 *
 * <p>Sending and receiving are independent: one thread may {@link #seal} while another {@link
 * #open}s, but each of the two must be confined to one thread at a time.
 */
public final class TunnelSession {

  /** Poly1305 tag bytes added to every frame. */
  public static final int TAG_LENGTH = 16;

  /** Largest plaintext of one frame; a request or response travels in as many frames as needed. */
  public static final int MAX_PLAINTEXT = 1 << 20;

  private final Key32 peer;
  private final Direction sending;
  private final Direction receiving;

  TunnelSession(
      Key32 peer, byte[] sendKey, byte[] sendNonce, byte[] receiveKey, byte[] receiveNonce) {
    this.peer = peer;
    this.sending = new Direction(sendKey, sendNonce);
    this.receiving = new Direction(receiveKey, receiveNonce);
  }

  /** The authenticated Ed25519 identity of the other router. */
  public Key32 peer() {
    return peer;
  }

  /** Encrypts the next outgoing frame: {@code plaintext.length + TAG_LENGTH} bytes. */
  public byte[] seal(byte[] plaintext) throws TunnelException {
    if (plaintext.length > MAX_PLAINTEXT) {
      throw new TunnelException(
          Kind.FRAME_TOO_LARGE, plaintext.length + " bytes, limit " + MAX_PLAINTEXT);
    }
    return sending.apply(Cipher.ENCRYPT_MODE, plaintext);
  }

  /** Decrypts the next incoming frame; any tampering, replay or reordering is {@code BAD_FRAME}. */
  public byte[] open(byte[] frame) throws TunnelException {
    if (frame.length < TAG_LENGTH || frame.length > MAX_PLAINTEXT + TAG_LENGTH) {
      throw new TunnelException(
          frame.length < TAG_LENGTH ? Kind.BAD_FRAME : Kind.FRAME_TOO_LARGE,
          "frame of " + frame.length + " bytes");
    }
    return receiving.apply(Cipher.DECRYPT_MODE, frame);
  }

  /** One direction's key, base nonce and frame counter. */
  private static final class Direction {
    private final SecretKeySpec key;
    private final byte[] baseNonce;
    private final byte[] nonce = new byte[12];
    private final Cipher cipher;
    private long counter;

    Direction(byte[] key, byte[] baseNonce) {
      this.key = new SecretKeySpec(key, "ChaCha20");
      this.baseNonce = baseNonce.clone();
      try {
        this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("BUG: the JDK lacks ChaCha20-Poly1305", e);
      }
    }

    byte[] apply(int mode, byte[] input) throws TunnelException {
      if (counter == Long.MAX_VALUE) {
        throw new TunnelException(Kind.EXHAUSTED, "2^63 frames in one direction");
      }
      System.arraycopy(baseNonce, 0, nonce, 0, nonce.length);
      for (int i = 0; i < 8; i++) {
        nonce[11 - i] ^= (byte) (counter >>> (8 * i));
      }
      try {
        cipher.init(mode, key, new IvParameterSpec(nonce));
        byte[] output = cipher.doFinal(input);
        counter++;
        return output;
      } catch (AEADBadTagException e) {
        throw new TunnelException(Kind.BAD_FRAME, "frame " + counter + " failed authentication");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("BUG: ChaCha20-Poly1305 refused a valid key/nonce", e);
      } finally {
        Arrays.fill(nonce, (byte) 0);
      }
    }
  }
}
