package dev.betanet.router.packet;

/**
 * Where every packet this router emits goes: request fragments, SURB batches, replies through
 * SURBs, acknowledgements, cover. One seam, so that what decides when a packet leaves (today the
 * links themselves) can be replaced without touching the roles that build packets.
 */
public interface PacketOutlet {

  /** Hands one packet to be sent to the first hop at {@code address}; never blocks. */
  void send(String address, byte[] packet);
}
