package dev.betanet.protocol.crypto;

import dev.betanet.protocol.crypto.openssl.OpenSslX25519;

/** Lazy holder for {@link X25519#bestAvailable()}: probing OpenSSL loads a library, so once. */
final class BestX25519 {

  static final X25519 INSTANCE =
      OpenSslX25519.load().<X25519>map(OpenSslAdapter::new).orElse(X25519.bouncyCastle());

  private BestX25519() {}
}
