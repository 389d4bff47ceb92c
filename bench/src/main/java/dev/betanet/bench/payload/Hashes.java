package dev.betanet.bench.payload;

import dev.betanet.protocol.crypto.HmacSha256;
import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.bouncycastle.crypto.macs.Blake3Mac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The keyed hashes measured for Lioness's hash rounds (docs/protocol.md, "Payload construction
 * cost"). Every one is a library primitive called through its public API; nothing here implements a
 * primitive.
 */
public final class Hashes {

  private Hashes() {}

  /** Every candidate, today's HMAC-SHA256 first. */
  public static List<Supplier<KeyedHash>> all() {
    return List.of(
        Hashes::hmacSha256,
        Hashes::sha256Prefix,
        Hashes::blake2bKeyed,
        Hashes::blake3Keyed,
        Hashes::poly1305Pair);
  }

  /** Today's: HMAC-SHA256 (the JDK's, through the protocol's wrapper). */
  public static KeyedHash hmacSha256() {
    return new KeyedHash() {
      private final HmacSha256 hmac = new HmacSha256();

      @Override
      public int keyBytes() {
        return 32;
      }

      @Override
      public void hash(byte[] key, int keyOffset, byte[] data, int offset, int length, byte[] out) {
        hmac.init(key, keyOffset, 32).update(data, offset, length).finish(out, 0);
      }

      @Override
      public String name() {
        return "hmac-sha256";
      }
    };
  }

  /**
   * SHA-256(K | R): the key as a prefix, one pass of the JDK's SHA-256. Length extension does not
   * apply because R has one fixed length per geometry; as a PRF this is the cascade construction
   * over prefix-free input (Bellare, Canetti and Krawczyk 1996), assuming the compression function
   * is a PRF — the same assumption as HMAC's NMAC proof, minus its outer call.
   */
  public static KeyedHash sha256Prefix() {
    return new KeyedHash() {
      private final MessageDigest sha = sha256();

      @Override
      public int keyBytes() {
        return 32;
      }

      @Override
      public void hash(byte[] key, int keyOffset, byte[] data, int offset, int length, byte[] out) {
        sha.update(key, keyOffset, 32);
        sha.update(data, offset, length);
        try {
          sha.digest(out, 0, 32);
        } catch (DigestException e) {
          throw new IllegalStateException("BUG: SHA-256 refused a 32-byte buffer", e);
        }
      }

      @Override
      public String name() {
        return "sha256-prefix";
      }
    };
  }

  /**
   * BLAKE2b in its keyed mode (RFC 7693), 32-byte output: Bouncy Castle's {@code Blake2bDigest}
   * (pure Java). The keyed mode is BLAKE2's PRF/MAC; the rust {@code lioness} crate used by Nym's
   * Sphinx pairs it with ChaCha20 exactly this way. Bouncy Castle has no re-key call, so one digest
   * is built per hash (about 300 bytes of garbage).
   */
  public static KeyedHash blake2bKeyed() {
    return new KeyedHash() {
      private final byte[] keyCopy = new byte[32];

      @Override
      public int keyBytes() {
        return 32;
      }

      @Override
      public void hash(byte[] key, int keyOffset, byte[] data, int offset, int length, byte[] out) {
        System.arraycopy(key, keyOffset, keyCopy, 0, 32);
        Blake2bDigest digest = new Blake2bDigest(keyCopy, 32, null, null);
        Arrays.fill(keyCopy, (byte) 0);
        digest.update(data, offset, length);
        digest.doFinal(out, 0);
      }

      @Override
      public String name() {
        return "blake2b-keyed";
      }
    };
  }

  /** BLAKE3's keyed_hash mode (its PRF/MAC): Bouncy Castle's {@code Blake3Mac} (pure Java). */
  public static KeyedHash blake3Keyed() {
    return new KeyedHash() {
      private final Blake3Mac mac = new Blake3Mac(new Blake3Digest(256));
      private final byte[] keyCopy = new byte[32];

      @Override
      public int keyBytes() {
        return 32;
      }

      @Override
      public void hash(byte[] key, int keyOffset, byte[] data, int offset, int length, byte[] out) {
        System.arraycopy(key, keyOffset, keyCopy, 0, 32);
        mac.init(new KeyParameter(keyCopy));
        Arrays.fill(keyCopy, (byte) 0);
        mac.update(data, offset, length);
        mac.doFinal(out, 0);
      }

      @Override
      public String name() {
        return "blake3-keyed";
      }
    };
  }

  /**
   * Two Poly1305 tags (16 bytes each) over R: the JDK's ChaCha20-Poly1305 (RFC 8439) with R as the
   * associated data and an empty plaintext, under the round key with nonces 0 and 1, so each tag
   * has its own one-time Poly1305 key from ChaCha20 (RFC 8439 section 2.6). Poly1305 is a universal
   * hash with a one-time pad (a Carter-Wegman MAC), not a PRF under a reused key; see
   * docs/protocol.md for what that costs the argument. The JDK's Poly1305 is intrinsified (AVX-512
   * IFMA) where the CPU has it.
   */
  public static KeyedHash poly1305Pair() {
    return new KeyedHash() {
      private final Cipher cipher = aead();
      private final byte[] nonce = new byte[12];

      @Override
      public int keyBytes() {
        return 32;
      }

      @Override
      public void hash(byte[] key, int keyOffset, byte[] data, int offset, int length, byte[] out) {
        tag(key, keyOffset, (byte) 0, data, offset, length, out, 0);
        tag(key, keyOffset, (byte) 1, data, offset, length, out, 16);
      }

      private void tag(
          byte[] key,
          int keyOffset,
          byte nonceByte,
          byte[] data,
          int offset,
          int length,
          byte[] out,
          int outOffset) {
        nonce[0] = nonceByte;
        try {
          cipher.init(
              Cipher.ENCRYPT_MODE,
              new SecretKeySpec(key, keyOffset, 32, "ChaCha20"),
              new IvParameterSpec(nonce));
          cipher.updateAAD(data, offset, length);
          int written = cipher.doFinal(out, outOffset);
          if (written != 16) {
            throw new IllegalStateException("BUG: a Poly1305 tag of " + written + " bytes");
          }
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("ChaCha20-Poly1305 refused a round key", e);
        }
      }

      @Override
      public String name() {
        return "poly1305-pair";
      }
    };
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("BUG: every JDK has SHA-256", e);
    }
  }

  private static Cipher aead() {
    try {
      return Cipher.getInstance("ChaCha20-Poly1305");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("BUG: every JDK 11+ has ChaCha20-Poly1305", e);
    }
  }
}
