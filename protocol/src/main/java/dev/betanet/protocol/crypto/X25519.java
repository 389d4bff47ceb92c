package dev.betanet.protocol.crypto;

import dev.betanet.protocol.crypto.openssl.OpenSslX25519;

/**
 * X25519 (RFC 7748) behind one small interface, so that packet code never names an implementation:
 * a faster one can be plugged in without touching it.
 *
 * <p>Implementations are thread-safe. They copy what they need from the inputs and never retain the
 * arrays passed in.
 */
public interface X25519 {

  /** Bytes in a scalar (private key), a u-coordinate (public key) and a shared secret. */
  int KEY_BYTES = 32;

  /**
   * The public key (X25519 of the base point) of {@code privateKey}.
   *
   * @param privateKey 32-byte scalar; clamped by the function as RFC 7748 says; not modified
   * @return a new 32-byte array
   * @throws IllegalArgumentException when {@code privateKey} is not 32 bytes
   */
  byte[] publicKey(byte[] privateKey);

  /**
   * Writes X25519({@code privateKey}, {@code peerPublic}) into {@code out}.
   *
   * @param privateKey 32-byte scalar, not modified
   * @param peerPublic 32-byte u-coordinate (its top bit ignored), not modified
   * @param out 32 bytes; may not be one of the inputs; its content is unspecified when this returns
   *     false
   * @return false when the result is all zero (the peer sent a low-order point), which RFC 7748
   *     section 6.1 says to refuse
   * @throws IllegalArgumentException when an array is not 32 bytes
   */
  boolean agree(byte[] privateKey, byte[] peerPublic, byte[] out);

  /** A short name for logs and benchmark labels, e.g. {@code "bouncycastle"}. */
  String name();

  /** The pure-Java Bouncy Castle implementation: always available. */
  static X25519 bouncyCastle() {
    return BouncyCastleX25519.INSTANCE;
  }

  /**
   * The fastest implementation that works in this JVM: OpenSSL's libcrypto through the
   * foreign-function API when it loads and passes its known-answer test (it needs {@code
   * --enable-native-access}), Bouncy Castle otherwise. Decided once per JVM. Never throws.
   */
  static X25519 bestAvailable() {
    return BestX25519.INSTANCE;
  }

  /**
   * The implementation called {@code name} ({@code "bouncycastle"}, {@code "openssl"} or {@code
   * "best"}), for configuration.
   *
   * @throws IllegalArgumentException for an unknown name
   * @throws IllegalStateException when {@code "openssl"} is asked for and cannot load, with the
   *     reason
   */
  static X25519 named(String name) {
    return switch (name) {
      case "bouncycastle" -> bouncyCastle();
      case "openssl" -> new OpenSslAdapter(OpenSslX25519.loadOrThrow());
      case "best" -> bestAvailable();
      default ->
          throw new IllegalArgumentException(
              "unknown X25519 implementation '" + name + "' (bouncycastle, openssl, best)");
    };
  }
}
