package dev.betanet.protocol.packet;

import java.util.Objects;

/**
 * One hop of a path as the packet builder needs it, taken from the topology.
 *
 * @param node the hop's reference (first 16 bytes of SHA-256 of its Ed25519 identity)
 * @param publicKey its X25519 public key for {@code keyEpoch}, 32 bytes (copied)
 * @param keyEpoch the epoch of that key; packets carry {@link KeyRing#keyId(long)} of it
 * @param delayMillis how long this hop holds the packet before forwarding it (ignored for the last
 *     hop, which gets 0), 0..2^32-1
 */
public record PathHop(NodeRef node, byte[] publicKey, long keyEpoch, long delayMillis) {

  public PathHop {
    Objects.requireNonNull(node, "node");
    if (publicKey == null || publicKey.length != 32) {
      throw new IllegalArgumentException("an X25519 public key is 32 bytes");
    }
    if (delayMillis < 0 || delayMillis > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("delay is 0..2^32-1 ms, got " + delayMillis);
    }
    publicKey = publicKey.clone();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  byte[] publicKeyUnsafe() {
    return publicKey;
  }
}
