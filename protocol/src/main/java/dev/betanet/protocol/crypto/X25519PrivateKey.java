package dev.betanet.protocol.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * An X25519 private key that can be wiped. The scalar never leaves this object: callers ask it to
 * agree with a peer. {@link #toString()} shows only the public key.
 *
 * <p>Thread-safe for concurrent {@link #agree} calls; {@link #destroy()} while agreements run makes
 * them fail with {@link IllegalStateException} or compute with a zeroed key, so destroy a key only
 * once no processor uses it.
 */
public final class X25519PrivateKey implements Destroyable {

  private final byte[] scalar;
  private final byte[] publicKey;
  private volatile boolean destroyed;

  private X25519PrivateKey(byte[] scalar, X25519 x25519) {
    this.scalar = scalar;
    this.publicKey = x25519.publicKey(scalar);
  }

  /**
   * A key holding a copy of {@code scalar} (the caller may wipe its own array afterwards).
   *
   * @throws IllegalArgumentException when {@code scalar} is not 32 bytes
   */
  public static X25519PrivateKey of(byte[] scalar) {
    BouncyCastleX25519.requireKey(scalar, "private key");
    return new X25519PrivateKey(scalar.clone(), X25519.bouncyCastle());
  }

  /** A fresh key from {@code random}. */
  public static X25519PrivateKey generate(SecureRandom random) {
    byte[] scalar = new byte[X25519.KEY_BYTES];
    random.nextBytes(scalar);
    return new X25519PrivateKey(scalar, X25519.bouncyCastle());
  }

  /** A copy of the 32-byte public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /**
   * X25519(this, {@code peerPublic}) into {@code out}; see {@link X25519#agree}.
   *
   * @return false for a low-order peer point (all-zero result)
   * @throws IllegalStateException when this key was destroyed
   */
  public boolean agree(X25519 x25519, byte[] peerPublic, byte[] out) {
    if (destroyed) {
      throw new IllegalStateException("the X25519 private key was destroyed");
    }
    return x25519.agree(scalar, peerPublic, out);
  }

  @Override
  public void destroy() {
    destroyed = true;
    Arrays.fill(scalar, (byte) 0);
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "X25519PrivateKey[public=" + java.util.HexFormat.of().formatHex(publicKey) + "]";
  }
}
