package dev.betanet.protocol.topology;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** Ed25519 keys and signatures for node identities and the operator's topology signature. */
public final class Ed25519Keys {

  public static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;

  private Ed25519Keys() {}

  /** A fresh 32-byte private key (seed). */
  public static byte[] generatePrivate(SecureRandom random) {
    byte[] privateKey = new byte[Ed25519.SECRET_KEY_SIZE];
    Ed25519.generatePrivateKey(random, privateKey);
    return privateKey;
  }

  /** The public key of a 32-byte private key. */
  public static Key32 publicOf(byte[] privateKey) {
    byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
    Ed25519.generatePublicKey(privateKey, 0, publicKey, 0);
    return Key32.of(publicKey);
  }

  /** A 64-byte signature of {@code message}. */
  public static byte[] sign(byte[] privateKey, byte[] message) {
    byte[] signature = new byte[SIGNATURE_LENGTH];
    Ed25519.sign(privateKey, 0, message, 0, message.length, signature, 0);
    return signature;
  }

  /** Whether {@code signature} (64 bytes) signs {@code message} under {@code publicKey}. */
  public static boolean verify(Key32 publicKey, byte[] message, byte[] signature) {
    return signature.length == SIGNATURE_LENGTH
        && Ed25519.verify(signature, 0, publicKey.bytes(), 0, message, 0, message.length);
  }
}
