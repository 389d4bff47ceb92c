package dev.betanet.protocol.crypto;

import dev.betanet.protocol.crypto.openssl.OpenSslX25519;

/** Presents {@link OpenSslX25519} through the {@link X25519} interface. */
final class OpenSslAdapter implements X25519 {

  private final OpenSslX25519 openssl;

  OpenSslAdapter(OpenSslX25519 openssl) {
    this.openssl = openssl;
  }

  @Override
  public byte[] publicKey(byte[] privateKey) {
    return openssl.publicKey(privateKey);
  }

  @Override
  public boolean agree(byte[] privateKey, byte[] peerPublic, byte[] out) {
    return openssl.agree(privateKey, peerPublic, out);
  }

  @Override
  public String name() {
    return "openssl";
  }
}
