package dev.betanet.protocol.crypto.openssl;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * X25519 (RFC 7748) computed by OpenSSL's libcrypto through the foreign-function API: about twice
 * the speed of the pure-Java implementation on x86-64, which is what a mixnode's per-packet key
 * agreement is bound by.
 *
 * <p>Building an OpenSSL key from a raw private key recomputes its public key (a full scalar
 * multiplication), so each thread caches, per private key, the native key and a derive context
 * already initialised. A packet then costs one derive and a rewrite of the 32 bytes inside the
 * thread's one peer key: importing a new peer key per packet cost about 15 % more than the derive
 * itself, because OpenSSL 3 looks the algorithm up by name on every import. At most {@link
 * #KEYS_PER_THREAD} private keys are cached per thread (a node holds a few epochs' keys); the least
 * recently used is freed when another is needed, and everything a thread cached is freed after the
 * thread is gone. Native objects never leak on the error paths.
 *
 * <p>Thread-safe: all native state is per thread. Inputs are copied; arrays are never retained
 * except a private key's copy inside its thread's cache entry, wiped on eviction.
 */
public final class OpenSslX25519 {

  /** Bytes in a scalar, a u-coordinate and a shared secret. */
  public static final int KEY_BYTES = 32;

  static final int KEYS_PER_THREAD = 4;

  private static final Cleaner CLEANER = Cleaner.create();

  /** RFC 7748 section 5.2, first vector: checked once at load so a broken binding never serves. */
  private static final HexFormat HEX = HexFormat.of();

  private static final byte[] SELF_TEST_SCALAR =
      HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
  private static final byte[] SELF_TEST_U =
      HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
  private static final byte[] SELF_TEST_OUT =
      HEX.parseHex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");

  private final LibCrypto lib;
  private final ThreadLocal<PerThread> perThread;

  private OpenSslX25519(LibCrypto lib) {
    this.lib = lib;
    this.perThread = ThreadLocal.withInitial(() -> new PerThread(lib));
  }

  /**
   * OpenSSL's X25519 when libcrypto 3 loads, native access is allowed and a known-answer test
   * passes; empty otherwise (the caller falls back to the Java implementation). Never throws.
   */
  public static Optional<OpenSslX25519> load() {
    try {
      return Optional.of(loadOrThrow());
    } catch (Exception | LinkageError e) {
      return Optional.empty();
    }
  }

  /**
   * As {@link #load()}, but says why it failed: for the log line that names the implementation.
   *
   * @throws IllegalStateException with the reason, when OpenSSL cannot be used
   */
  public static OpenSslX25519 loadOrThrow() {
    OpenSslX25519 x25519;
    try {
      x25519 = new OpenSslX25519(LibCrypto.load());
    } catch (IllegalCallerException e) {
      throw new IllegalStateException(
          "native access is not enabled (run java with --enable-native-access=ALL-UNNAMED)", e);
    } catch (Exception | LinkageError e) {
      throw new IllegalStateException("libcrypto 3 could not be loaded: " + e.getMessage(), e);
    }
    byte[] out = new byte[KEY_BYTES];
    if (!x25519.agree(SELF_TEST_SCALAR, SELF_TEST_U, out) || !Arrays.equals(out, SELF_TEST_OUT)) {
      throw new IllegalStateException("libcrypto X25519 failed the RFC 7748 known-answer test");
    }
    return x25519;
  }

  /**
   * Writes X25519({@code privateKey}, {@code peerPublic}) into {@code out}.
   *
   * @param privateKey 32-byte scalar (clamped by the function, as RFC 7748 says)
   * @param peerPublic 32-byte u-coordinate (its top bit ignored)
   * @param out 32 bytes, written only when this returns true; may not alias the inputs' use
   * @return false when the result is all zero (the peer sent a low-order point), which RFC 7748
   *     section 6.1 says to refuse
   * @throws IllegalArgumentException when an array is not 32 bytes
   */
  public boolean agree(byte[] privateKey, byte[] peerPublic, byte[] out) {
    requireKey(privateKey, "private key");
    requireKey(peerPublic, "public key");
    requireKey(out, "output");
    return perThread.get().agree(privateKey, peerPublic, out);
  }

  /**
   * The public key (X25519 of the base point) of {@code privateKey}.
   *
   * @throws IllegalArgumentException when it is not 32 bytes
   */
  public byte[] publicKey(byte[] privateKey) {
    requireKey(privateKey, "private key");
    return perThread.get().publicKey(privateKey);
  }

  private static void requireKey(byte[] bytes, String what) {
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

  /** A private key's native key and derive context, cached by one thread. */
  private static final class CachedKey {
    final byte[] privateKey;
    final MemorySegment pkey;
    final MemorySegment ctx;

    CachedKey(byte[] privateKey, MemorySegment pkey, MemorySegment ctx) {
      this.privateKey = privateKey;
      this.pkey = pkey;
      this.ctx = ctx;
    }
  }

  /**
   * Native objects one thread owns. Deliberately free of references to {@link PerThread}, so the
   * cleaner that frees them can run once the thread (and with it its PerThread) is gone.
   */
  private static final class NativeObjects implements Runnable {
    private final LibCrypto lib;
    final List<CachedKey> keys = new ArrayList<>(KEYS_PER_THREAD);

    /** The thread's one peer key, whose bytes each agreement replaces; NULL until first used. */
    MemorySegment peer = MemorySegment.NULL;

    NativeObjects(LibCrypto lib) {
      this.lib = lib;
    }

    void free(CachedKey key) {
      Arrays.fill(key.privateKey, (byte) 0);
      try {
        lib.ctxFree.invokeExact(key.ctx);
        lib.pkeyFree.invokeExact(key.pkey);
      } catch (Throwable e) {
        throw new IllegalStateException("BUG: freeing an OpenSSL object failed", e);
      }
    }

    @Override
    public synchronized void run() {
      keys.forEach(this::free);
      keys.clear();
      if (!peer.equals(MemorySegment.NULL)) {
        try {
          lib.pkeyFree.invokeExact(peer);
        } catch (Throwable e) {
          throw new IllegalStateException("BUG: freeing an OpenSSL object failed", e);
        }
        peer = MemorySegment.NULL;
      }
    }
  }

  /** One thread's scratch memory and key cache. */
  private static final class PerThread {
    private final LibCrypto lib;
    private final NativeObjects objects;
    // Auto arena: scratch segments are freed by the GC with this object.
    private final MemorySegment scratch = Arena.ofAuto().allocate(KEY_BYTES);
    private final MemorySegment secret = Arena.ofAuto().allocate(KEY_BYTES);
    private final MemorySegment length = Arena.ofAuto().allocate(JAVA_LONG);

    PerThread(LibCrypto lib) {
      this.lib = lib;
      this.objects = new NativeObjects(lib);
      CLEANER.register(this, objects);
    }

    boolean agree(byte[] privateKey, byte[] peerPublic, byte[] out) {
      CachedKey key = cached(privateKey);
      MemorySegment peer = peerKey();
      MemorySegment.copy(peerPublic, 0, scratch, JAVA_BYTE, 0, KEY_BYTES);
      try {
        int replaced = (int) lib.setEncodedPublicKey.invokeExact(peer, scratch, (long) KEY_BYTES);
        if (replaced != 1) {
          throw new IllegalStateException(
              "BUG: EVP_PKEY_set1_encoded_public_key failed: " + replaced);
        }
        // Set again although it is the same key object: the context must not depend on OpenSSL
        // sharing the key's storage with it. validate_peer 0: X25519 accepts every u-coordinate;
        // the all-zero result is checked by the derive itself.
        int set = (int) lib.deriveSetPeer.invokeExact(key.ctx, peer, 0);
        if (set != 1) {
          throw new IllegalStateException("BUG: EVP_PKEY_derive_set_peer_ex failed: " + set);
        }
        length.set(JAVA_LONG, 0, KEY_BYTES);
        int derived = (int) lib.derive.invokeExact(key.ctx, secret, length);
        if (derived != 1) {
          // OpenSSL refuses an all-zero shared secret (low-order peer point).
          lib.errClearError.invokeExact();
          return false;
        }
        MemorySegment.copy(secret, JAVA_BYTE, 0, out, 0, KEY_BYTES);
        secret.fill((byte) 0);
        return true;
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("BUG: calling libcrypto failed", e);
      }
    }

    /** This thread's peer key, made on first use (its first bytes are the base point's). */
    private MemorySegment peerKey() {
      synchronized (objects) {
        if (objects.peer.equals(MemorySegment.NULL)) {
          MemorySegment base = Arena.ofAuto().allocate(KEY_BYTES);
          base.set(JAVA_BYTE, 0, (byte) 9);
          try {
            objects.peer =
                (MemorySegment)
                    lib.newRawPublicKey.invokeExact(
                        LibCrypto.NID_X25519, MemorySegment.NULL, base, (long) KEY_BYTES);
          } catch (Throwable e) {
            throw new IllegalStateException("BUG: calling libcrypto failed", e);
          }
          if (objects.peer.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("BUG: OpenSSL refused a 32-byte X25519 public key");
          }
        }
        return objects.peer;
      }
    }

    byte[] publicKey(byte[] privateKey) {
      CachedKey key = cached(privateKey);
      try {
        length.set(JAVA_LONG, 0, KEY_BYTES);
        int ok = (int) lib.getRawPublicKey.invokeExact(key.pkey, scratch, length);
        if (ok != 1) {
          throw new IllegalStateException("BUG: EVP_PKEY_get_raw_public_key failed");
        }
        return scratch.asSlice(0, KEY_BYTES).toArray(JAVA_BYTE);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("BUG: calling libcrypto failed", e);
      }
    }

    /** The cache entry for {@code privateKey}, most recently used first; made when missing. */
    private CachedKey cached(byte[] privateKey) {
      synchronized (objects) {
        List<CachedKey> keys = objects.keys;
        for (int i = 0; i < keys.size(); i++) {
          CachedKey key = keys.get(i);
          if (Arrays.equals(key.privateKey, privateKey)) {
            if (i > 0) {
              keys.remove(i);
              keys.addFirst(key);
            }
            return key;
          }
        }
        CachedKey fresh = newKey(privateKey);
        if (keys.size() == KEYS_PER_THREAD) {
          objects.free(keys.removeLast());
        }
        keys.addFirst(fresh);
        return fresh;
      }
    }

    private CachedKey newKey(byte[] privateKey) {
      MemorySegment.copy(privateKey, 0, scratch, JAVA_BYTE, 0, KEY_BYTES);
      MemorySegment pkey = MemorySegment.NULL;
      MemorySegment ctx = MemorySegment.NULL;
      try {
        pkey =
            (MemorySegment)
                lib.newRawPrivateKey.invokeExact(
                    LibCrypto.NID_X25519, MemorySegment.NULL, scratch, (long) KEY_BYTES);
        scratch.fill((byte) 0);
        if (pkey.equals(MemorySegment.NULL)) {
          throw new IllegalStateException("BUG: OpenSSL refused a 32-byte X25519 private key");
        }
        ctx = (MemorySegment) lib.ctxNew.invokeExact(pkey, MemorySegment.NULL);
        if (ctx.equals(MemorySegment.NULL)) {
          throw new IllegalStateException("EVP_PKEY_CTX_new failed (out of memory?)");
        }
        int init = (int) lib.deriveInit.invokeExact(ctx);
        if (init != 1) {
          throw new IllegalStateException("EVP_PKEY_derive_init failed: " + init);
        }
        CachedKey key = new CachedKey(privateKey.clone(), pkey, ctx);
        pkey = MemorySegment.NULL; // owned by the cache now
        ctx = MemorySegment.NULL;
        return key;
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("BUG: calling libcrypto failed", e);
      } finally {
        scratch.fill((byte) 0);
        freeCtx(ctx);
        freePkey(pkey);
      }
    }

    private void freePkey(MemorySegment pkey) {
      if (!pkey.equals(MemorySegment.NULL)) {
        try {
          lib.pkeyFree.invokeExact(pkey);
        } catch (Throwable e) {
          throw new IllegalStateException("BUG: EVP_PKEY_free failed", e);
        }
      }
    }

    private void freeCtx(MemorySegment ctx) {
      if (!ctx.equals(MemorySegment.NULL)) {
        try {
          lib.ctxFree.invokeExact(ctx);
        } catch (Throwable e) {
          throw new IllegalStateException("BUG: EVP_PKEY_CTX_free failed", e);
        }
      }
    }
  }
}
