package dev.betanet.protocol.topology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.util.encoders.Base32;

/**
 * The self-authenticating name of a {@code .fog} service, derived from its Ed25519 public key the
 * way Tor derives onion v3 addresses: {@code base32(pubkey || checksum || version) + ".fog"}, where
 * {@code checksum = SHA3-256(".fog checksum" || pubkey || version)[0..2]} and {@code version = 3}.
 * 32 + 2 + 1 = 35 bytes encode to exactly 56 lowercase base32 characters, so a name is one DNS
 * label. Whoever knows the name knows the key, and a router can prove it hosts the name.
 */
public final class FogName {

  public static final String SUFFIX = ".fog";
  public static final byte VERSION = 3;
  public static final int LABEL_LENGTH = 56;

  private static final byte[] CHECKSUM_DOMAIN = ".fog checksum".getBytes(StandardCharsets.US_ASCII);
  private static final Pattern BASE32_LABEL = Pattern.compile("[a-z2-7]{" + LABEL_LENGTH + "}");

  private FogName() {}

  /** The {@code <56 base32 chars>.fog} name of the service whose identity is {@code publicKey}. */
  public static String of(Key32 publicKey) {
    byte[] key = publicKey.bytes();
    byte[] raw = new byte[Key32.LENGTH + 3];
    System.arraycopy(key, 0, raw, 0, Key32.LENGTH);
    byte[] checksum = checksum(key, VERSION);
    raw[Key32.LENGTH] = checksum[0];
    raw[Key32.LENGTH + 1] = checksum[1];
    raw[Key32.LENGTH + 2] = VERSION;
    return base32(raw) + SUFFIX;
  }

  /**
   * The public key named by {@code name}; throws IllegalArgumentException when it is not a
   * well-formed {@code .fog} name (length, alphabet, version or checksum), so a typo never maps to
   * some other key.
   */
  public static Key32 publicKeyOf(String name) {
    String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
    if (!lower.endsWith(SUFFIX) || lower.length() != LABEL_LENGTH + SUFFIX.length()) {
      throw new IllegalArgumentException(
          "a .fog name is " + LABEL_LENGTH + " base32 characters followed by .fog");
    }
    byte[] raw = unbase32(lower.substring(0, LABEL_LENGTH));
    if (raw[Key32.LENGTH + 2] != VERSION) {
      throw new IllegalArgumentException(
          "unsupported .fog name version " + raw[Key32.LENGTH + 2] + ", expected " + VERSION);
    }
    byte[] key = Arrays.copyOf(raw, Key32.LENGTH);
    byte[] expected = checksum(key, VERSION);
    if (raw[Key32.LENGTH] != expected[0] || raw[Key32.LENGTH + 1] != expected[1]) {
      throw new IllegalArgumentException("the .fog name's checksum does not match: a typo?");
    }
    return Key32.of(key);
  }

  private static byte[] checksum(byte[] key, byte version) {
    try {
      MessageDigest sha3 = MessageDigest.getInstance("SHA3-256");
      sha3.update(CHECKSUM_DOMAIN);
      sha3.update(key);
      sha3.update(version);
      return sha3.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: every Java 17+ runtime has SHA3-256", e);
    }
  }

  /** RFC 4648 base32 (Bouncy Castle's), lowercase; 35 bytes need no padding. */
  private static String base32(byte[] bytes) {
    return Base32.toBase32String(bytes).toLowerCase(Locale.ROOT);
  }

  private static byte[] unbase32(String text) {
    if (!BASE32_LABEL.matcher(text).matches()) {
      throw new IllegalArgumentException("a .fog name uses only a-z and 2-7");
    }
    return Base32.decode(text.toUpperCase(Locale.ROOT));
  }
}
