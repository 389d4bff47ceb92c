package dev.betanet.protocol.link;

import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.topology.NodeKeys;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * What a node presents on its TLS links: its Ed25519 identity key (the one the signed topology
 * lists for it) in a self-signed X.509 certificate. The certificate is only the container TLS needs
 * for the key; trust comes from the topology pin ({@link LinkPeers}), not from the certificate's
 * issuer, dates or names, which nobody checks.
 *
 * <p>Key material: the JDK private key object holds a copy of the identity key for the TLS stack
 * and cannot be wiped (like a key in a JDK {@code KeyStore}); the raw copy this class reads is
 * zeroed at once.
 */
public final class LinkIdentity {

  /** X.509 SubjectPublicKeyInfo of an Ed25519 key, up to the 32 key bytes (RFC 8410). */
  private static final byte[] ED25519_SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private final String nodeId;
  private final Key32 publicKey;
  private final PrivateKey privateKey;
  private final X509Certificate certificate;

  private LinkIdentity(
      String nodeId, Key32 publicKey, PrivateKey privateKey, X509Certificate certificate) {
    this.nodeId = nodeId;
    this.publicKey = publicKey;
    this.privateKey = privateKey;
    this.certificate = certificate;
  }

  /** The link identity of {@code keys}: their Ed25519 identity in a fresh certificate. */
  public static LinkIdentity of(NodeKeys keys) {
    byte[] seed = keys.identityPrivate();
    try {
      return of(keys.nodeId(), seed);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * The link identity of a raw 32-byte Ed25519 private key (for test and bench harnesses that play
   * a node); the caller wipes {@code seed}.
   */
  public static LinkIdentity of(String nodeId, byte[] seed) {
    Key32 publicKey = Ed25519Keys.publicOf(seed);
    try {
      PrivateKey privateKey =
          KeyFactory.getInstance("Ed25519")
              .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              new X500Name("CN=betanet-link"),
              BigInteger.ONE,
              Date.from(now.minus(Duration.ofDays(1))),
              Date.from(now.plus(Duration.ofDays(365 * 100))),
              new X500Name("CN=betanet-link"),
              publicKeyOf(publicKey));
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(new JcaContentSignerBuilder("Ed25519").build(privateKey)));
      return new LinkIdentity(nodeId, publicKey, privateKey, certificate);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("BUG: every JDK 15+ makes Ed25519 certificates", e);
    }
  }

  /**
   * The raw Ed25519 key of a peer certificate.
   *
   * @throws LinkRefusedException {@link LinkRefusal#UNKNOWN_PEER} when it is not an Ed25519 key
   */
  public static Key32 keyOf(Certificate certificate) throws LinkRefusedException {
    byte[] spki = certificate.getPublicKey().getEncoded();
    if (spki == null
        || spki.length != ED25519_SPKI_PREFIX.length + Key32.LENGTH
        || !Arrays.equals(spki, 0, ED25519_SPKI_PREFIX.length, ED25519_SPKI_PREFIX, 0, 12)) {
      throw new LinkRefusedException(
          LinkRefusal.UNKNOWN_PEER, "the peer certificate's key is not an Ed25519 key");
    }
    return Key32.of(Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX.length, spki.length));
  }

  private static PublicKey publicKeyOf(Key32 key) throws GeneralSecurityException {
    byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + Key32.LENGTH);
    System.arraycopy(key.bytes(), 0, spki, ED25519_SPKI_PREFIX.length, Key32.LENGTH);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
  }

  public String nodeId() {
    return nodeId;
  }

  /** The Ed25519 identity the topology lists for this node. */
  public Key32 publicKey() {
    return publicKey;
  }

  PrivateKey privateKey() {
    return privateKey;
  }

  X509Certificate certificate() {
    return certificate;
  }

  @Override
  public String toString() {
    return "LinkIdentity[node=" + nodeId + ", identity=" + publicKey + "]";
  }
}
