package dev.betanet.protocol.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 (RFC 2104) over the JDK's {@link Mac}, whose SHA-256 uses the CPU's SHA extensions
 * where present: faster than Bouncy Castle's Java code.
 *
 * <p>Not thread-safe: one instance per thread (the packet code keeps one per worker thread). The
 * instance keeps the JDK Mac so that nothing is looked up per packet.
 */
public final class HmacSha256 {

  /** Bytes in a tag. */
  public static final int TAG_BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";

  private final Mac mac;

  public HmacSha256() {
    try {
      this.mac = Mac.getInstance(ALGORITHM);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("BUG: every JDK has HmacSHA256", e);
    }
  }

  /**
   * Starts a MAC under {@code key[offset .. offset + length)}; the key bytes are copied.
   *
   * @throws IllegalArgumentException for an empty key
   */
  public HmacSha256 init(byte[] key, int offset, int length) {
    try {
      mac.init(new SecretKeySpec(key, offset, length, ALGORITHM));
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("HMAC key refused: " + e.getMessage(), e);
    }
    return this;
  }

  /** Adds {@code data[offset .. offset + length)}. */
  public HmacSha256 update(byte[] data, int offset, int length) {
    mac.update(data, offset, length);
    return this;
  }

  /** Adds one byte. */
  public HmacSha256 update(byte b) {
    mac.update(b);
    return this;
  }

  /**
   * Writes the 32-byte tag to {@code out[offset ..]} and resets for the same key.
   *
   * @throws IllegalArgumentException when fewer than 32 bytes are left in {@code out}
   */
  public void finish(byte[] out, int offset) {
    try {
      mac.doFinal(out, offset);
    } catch (ShortBufferException e) {
      throw new IllegalArgumentException("HMAC output needs 32 bytes at " + offset, e);
    }
  }

  /** The tag of {@code data} under {@code key}: a convenience for tests and cold paths. */
  public static byte[] mac(byte[] key, byte[] data) {
    byte[] tag = new byte[TAG_BYTES];
    new HmacSha256().init(key, 0, key.length).update(data, 0, data.length).finish(tag, 0);
    return tag;
  }

  /**
   * Compares two 32-byte tags in time independent of where they differ ({@link
   * MessageDigest#isEqual}), so a forger learns nothing from timing.
   */
  public static boolean tagsEqual(byte[] a, int aOffset, byte[] b, int bOffset) {
    // MessageDigest.isEqual is constant-time for equal lengths; it takes whole arrays, so copy
    // the two slices into fixed-size buffers only when they are not whole arrays already.
    byte[] left = slice(a, aOffset);
    byte[] right = slice(b, bOffset);
    return MessageDigest.isEqual(left, right);
  }

  private static byte[] slice(byte[] array, int offset) {
    if (offset == 0 && array.length == TAG_BYTES) {
      return array;
    }
    byte[] copy = new byte[TAG_BYTES];
    System.arraycopy(array, offset, copy, 0, TAG_BYTES);
    return copy;
  }
}
