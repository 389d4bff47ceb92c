package dev.betanet.router.packet;

/**
 * Where every packet this router emits goes: request fragments, SURB batches, replies through
 * SURBs, acknowledgements, cover. One seam, so that what decides when a packet leaves ({@link
 * SendQueue} in front of {@link PacketLinks}) is the same for every role that builds packets.
 *
 * <p>Contract for callers: {@link #send} never blocks and answers at once whether the packet was
 * taken; a refused packet is already counted by the outlet, and the caller must make the loss
 * visible (fail its request, or leave the packet unacknowledged so its next round sends it again).
 * {@link #room} and {@link #drainMillis} let a caller check before building a batch, and size its
 * timers to the queue; both are estimates (other senders share the outlet).
 */
public interface PacketOutlet {

  /**
   * Hands one packet to be sent to the first hop at {@code address}; never blocks.
   *
   * @return true when taken (it will leave, or be dropped and counted by the link), false when
   *     refused (counted)
   */
  boolean send(String address, byte[] packet);

  /**
   * As {@link #send(String, byte[])}, and runs {@code departed} once the packet has left this
   * router (handed to its link), on whichever thread let it leave; never run for a refused packet.
   * It lets a caller time its retransmissions from when its packets actually left rather than from
   * an estimate of the queue. The default is for outlets that send at once.
   */
  default boolean send(String address, byte[] packet, Runnable departed) {
    boolean taken = send(address, packet);
    if (taken) {
      departed.run();
    }
    return taken;
  }

  /** Packets the outlet would take now; {@link Integer#MAX_VALUE} for an unbounded one. */
  default int room() {
    return Integer.MAX_VALUE;
  }

  /** A bound on how long, in ms, the packets taken so far wait before leaving; 0 if at once. */
  default long drainMillis() {
    return 0;
  }
}
