package dev.betanet.protocol.crypto;

/** X25519 from Bouncy Castle's constant-time pure-Java RFC 7748 code. */
final class BouncyCastleX25519 implements X25519 {

  static final BouncyCastleX25519 INSTANCE = new BouncyCastleX25519();

  private BouncyCastleX25519() {}

  @Override
  public byte[] publicKey(byte[] privateKey) {
    requireKey(privateKey, "private key");
    byte[] out = new byte[KEY_BYTES];
    org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(privateKey, 0, out, 0);
    return out;
  }

  @Override
  public boolean agree(byte[] privateKey, byte[] peerPublic, byte[] out) {
    requireKey(privateKey, "private key");
    requireKey(peerPublic, "public key");
    requireKey(out, "output");
    // calculateAgreement returns false for an all-zero result (low-order peer point).
    return org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(
        privateKey, 0, peerPublic, 0, out, 0);
  }

  @Override
  public String name() {
    return "bouncycastle";
  }

  static void requireKey(byte[] bytes, String what) {
    if (bytes == null || bytes.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "an X25519 "
              + what
              + " is "
              + KEY_BYTES
              + " bytes, got "
              + (bytes == null ? "none" : bytes.length));
    }
  }
}
