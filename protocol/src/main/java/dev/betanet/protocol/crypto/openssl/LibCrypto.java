package dev.betanet.protocol.crypto.openssl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The few OpenSSL 3 libcrypto functions X25519 needs, bound through the foreign-function API. Each
 * handle mirrors one C signature (in the comment beside it); callers own every object they get and
 * free it with the matching {@code free} handle.
 *
 * <p>Loading fails with an exception (never a crash) when libcrypto 3 is absent or native access is
 * denied; {@link OpenSslX25519#load()} turns that into "not available".
 */
final class LibCrypto {

  /** OpenSSL's NID for X25519 ({@code NID_X25519} in obj_mac.h). */
  static final int NID_X25519 = 1034;

  /** Where Debian/Ubuntu and RHEL put libcrypto 3; the soname alone is tried last. */
  private static final List<String> CANDIDATES =
      List.of(
          "/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
          "/usr/lib/aarch64-linux-gnu/libcrypto.so.3",
          "/usr/lib64/libcrypto.so.3",
          "/lib/x86_64-linux-gnu/libcrypto.so.3");

  /**
   * EVP_PKEY *EVP_PKEY_new_raw_private_key(int type, ENGINE *e, const unsigned char *k, size_t).
   */
  final MethodHandle newRawPrivateKey;

  /** EVP_PKEY *EVP_PKEY_new_raw_public_key(int type, ENGINE *e, const unsigned char *k, size_t). */
  final MethodHandle newRawPublicKey;

  /** int EVP_PKEY_get_raw_public_key(const EVP_PKEY *pkey, unsigned char *pub, size_t *len). */
  final MethodHandle getRawPublicKey;

  /**
   * int EVP_PKEY_set1_encoded_public_key(EVP_PKEY *pkey, const unsigned char *pub, size_t publen):
   * replaces the public key inside an existing key (for X25519 the raw 32 bytes).
   */
  final MethodHandle setEncodedPublicKey;

  /** void EVP_PKEY_free(EVP_PKEY *pkey). */
  final MethodHandle pkeyFree;

  /** EVP_PKEY_CTX *EVP_PKEY_CTX_new(EVP_PKEY *pkey, ENGINE *e). */
  final MethodHandle ctxNew;

  /** void EVP_PKEY_CTX_free(EVP_PKEY_CTX *ctx). */
  final MethodHandle ctxFree;

  /** int EVP_PKEY_derive_init(EVP_PKEY_CTX *ctx). */
  final MethodHandle deriveInit;

  /** int EVP_PKEY_derive_set_peer_ex(EVP_PKEY_CTX *ctx, EVP_PKEY *peer, int validate_peer). */
  final MethodHandle deriveSetPeer;

  /** int EVP_PKEY_derive(EVP_PKEY_CTX *ctx, unsigned char *key, size_t *keylen). */
  final MethodHandle derive;

  /** void ERR_clear_error(void): failed calls leave entries on the thread's error queue. */
  final MethodHandle errClearError;

  private LibCrypto(SymbolLookup lib) {
    Linker linker = Linker.nativeLinker();
    newRawPrivateKey =
        bind(
            linker,
            lib,
            "EVP_PKEY_new_raw_private_key",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    newRawPublicKey =
        bind(
            linker,
            lib,
            "EVP_PKEY_new_raw_public_key",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    getRawPublicKey =
        bind(
            linker,
            lib,
            "EVP_PKEY_get_raw_public_key",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    setEncodedPublicKey =
        bind(
            linker,
            lib,
            "EVP_PKEY_set1_encoded_public_key",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    pkeyFree = bind(linker, lib, "EVP_PKEY_free", FunctionDescriptor.ofVoid(ADDRESS));
    ctxNew =
        bind(linker, lib, "EVP_PKEY_CTX_new", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    ctxFree = bind(linker, lib, "EVP_PKEY_CTX_free", FunctionDescriptor.ofVoid(ADDRESS));
    deriveInit =
        bind(linker, lib, "EVP_PKEY_derive_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    deriveSetPeer =
        bind(
            linker,
            lib,
            "EVP_PKEY_derive_set_peer_ex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    derive =
        bind(
            linker,
            lib,
            "EVP_PKEY_derive",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    errClearError = bind(linker, lib, "ERR_clear_error", FunctionDescriptor.ofVoid());
  }

  /**
   * Binds libcrypto 3. Throws (UnsatisfiedLinkError, IllegalArgumentException,
   * IllegalCallerException when native access is denied, ...) when it cannot.
   */
  static LibCrypto load() {
    for (String candidate : CANDIDATES) {
      if (Files.isReadable(Path.of(candidate))) {
        return new LibCrypto(SymbolLookup.libraryLookup(Path.of(candidate), Arena.global()));
      }
    }
    return new LibCrypto(SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global()));
  }

  private static MethodHandle bind(
      Linker linker, SymbolLookup lib, String name, FunctionDescriptor descriptor) {
    MemorySegment symbol =
        lib.find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("libcrypto has no symbol " + name));
    return linker.downcallHandle(symbol, descriptor);
  }
}
