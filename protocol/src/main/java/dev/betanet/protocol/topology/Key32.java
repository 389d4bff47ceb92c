package dev.betanet.protocol.topology;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Base64;

/**
 * A 32-byte public key (X25519 or Ed25519) as it appears in the topology: base64 in JSON, compared
 * by value. Only public keys use this type; private keys live in {@link NodeKeys}.
 */
public final class Key32 {

  public static final int LENGTH = 32;

  private final byte[] bytes;

  private Key32(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Copies {@code bytes}; throws IllegalArgumentException unless it is exactly 32 bytes. */
  public static Key32 of(byte[] bytes) {
    if (bytes == null || bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "a key is "
              + LENGTH
              + " bytes, got "
              + (bytes == null ? "none" : bytes.length + " bytes"));
    }
    return new Key32(bytes.clone());
  }

  /** Parses standard base64; throws IllegalArgumentException on bad base64 or length. */
  @JsonCreator
  public static Key32 ofBase64(String base64) {
    if (base64 == null) {
      throw new IllegalArgumentException("a key is required");
    }
    try {
      return of(Base64.getDecoder().decode(base64));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a base64 32-byte key: " + e.getMessage(), e);
    }
  }

  /** A copy of the key bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  @JsonValue
  public String base64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Key32 other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return base64();
  }
}
