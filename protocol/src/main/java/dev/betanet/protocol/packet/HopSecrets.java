package dev.betanet.protocol.packet;

import dev.betanet.protocol.crypto.ChaCha20;
import dev.betanet.protocol.crypto.Hkdf;
import dev.betanet.protocol.crypto.Lioness;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The keys of one hop, all from one HKDF-SHA256 call over the X25519 shared secret:
 *
 * <pre>
 *   PRK = HKDF-Extract(salt = "betanet/packet/v1", IKM = shared secret)
 *   OKM = HKDF-Expand(PRK, info = ephemeral public key, 220)
 *       = headerKey(32) | headerNonce(12) | macKey(32) | payloadKey(128) | replayTag(16)
 * </pre>
 *
 * Binding the ephemeral key into {@code info} ties every key to this packet's key exchange. The
 * material lives in one array at fixed offsets so the packet code never juggles key bytes itself;
 * {@link #wipe()} zeroes it.
 *
 * <p>Mutable and not thread-safe: a per-thread workspace owns one and reuses it per packet.
 */
final class HopSecrets {

  static final byte[] SALT = "betanet/packet/v1".getBytes(StandardCharsets.US_ASCII);

  static final int HEADER_KEY = 0;
  static final int HEADER_NONCE = HEADER_KEY + ChaCha20.KEY_BYTES;
  static final int MAC_KEY = HEADER_NONCE + ChaCha20.NONCE_BYTES;
  static final int PAYLOAD_KEY = MAC_KEY + 32;
  static final int REPLAY_TAG = PAYLOAD_KEY + Lioness.KEY_BYTES;
  static final int REPLAY_TAG_BYTES = 16;
  static final int BYTES = REPLAY_TAG + REPLAY_TAG_BYTES;

  final byte[] material = new byte[BYTES];
  private final byte[] prk = new byte[Hkdf.PRK_BYTES];

  /** Derives every key from {@code sharedSecret} and {@code ephemeralPublic} (32 bytes each). */
  void derive(Hkdf hkdf, byte[] sharedSecret, byte[] ephemeralPublic) {
    hkdf.extract(SALT, sharedSecret, 0, sharedSecret.length, prk);
    hkdf.expand(prk, ephemeralPublic, material, 0, BYTES);
    Arrays.fill(prk, (byte) 0);
  }

  /** A copy of the 128-byte Lioness key. */
  byte[] payloadKey() {
    return Arrays.copyOfRange(material, PAYLOAD_KEY, PAYLOAD_KEY + Lioness.KEY_BYTES);
  }

  void wipe() {
    Arrays.fill(material, (byte) 0);
  }
}
