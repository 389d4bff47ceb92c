package dev.betanet.protocol.packet;

import dev.betanet.protocol.crypto.ChaCha20;
import dev.betanet.protocol.crypto.Hkdf;
import dev.betanet.protocol.crypto.HmacSha256;
import dev.betanet.protocol.crypto.Lioness;
import dev.betanet.protocol.crypto.X25519;

/**
 * One thread's primitives and scratch buffers, so that processing a packet allocates (almost)
 * nothing and looks nothing up. Never shared between threads.
 */
final class Workspace {

  final Hkdf hkdf = new Hkdf();
  final HmacSha256 hmac = new HmacSha256();
  final ChaCha20 chacha = new ChaCha20();
  final Lioness lioness = new Lioness();
  final HopSecrets secrets = new HopSecrets();
  final byte[] ephemeral = new byte[X25519.KEY_BYTES];
  final byte[] shared = new byte[X25519.KEY_BYTES];
  final byte[] tag = new byte[HmacSha256.TAG_BYTES];

  /** The routing information extended by one slot: the stream is applied over all of it. */
  final byte[] routing;

  Workspace(PacketGeometry geometry) {
    this.routing = new byte[geometry.routingBytes() + PacketGeometry.SLOT_BYTES];
  }

  /**
   * The header MAC: HMAC(macKey, version | keyId | ephemeralKey | routing), so every byte of the
   * header but the MAC itself is covered.
   */
  void headerMac(byte[] header, int routingBytes, byte[] out) {
    hmac.init(secrets.material, HopSecrets.MAC_KEY, 32)
        .update(header, 0, PacketGeometry.MAC_OFFSET)
        .update(header, PacketGeometry.ROUTING_OFFSET, routingBytes)
        .finish(out, 0);
  }
}
