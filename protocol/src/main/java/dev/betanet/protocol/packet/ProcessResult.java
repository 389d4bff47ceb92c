package dev.betanet.protocol.packet;

/** What processing one packet at one hop decided: a sealed type, not flags. */
public sealed interface ProcessResult {

  /**
   * Send {@code packet} to {@code next} after {@code delayMillis}.
   *
   * @param packet the processed packet, of the same length; it is the very array passed to {@link
   *     PacketProcessor#process} (processing works in place), now owned by the caller
   */
  record Forward(NodeRef next, long delayMillis, byte[] packet) implements ProcessResult {}

  /**
   * This hop is the exit and {@code message} is what the sender put in the packet.
   *
   * @param message a new array of 0..{@link PacketGeometry#messageCapacity()} bytes
   */
  record Deliver(byte[] message) implements ProcessResult {}

  /**
   * This hop created the SURB {@code surbId}; {@code payload} opens with {@link
   * SurbSecrets#openReply} for that id.
   *
   * @param payload a new array of {@link PacketGeometry#payloadBytes()} bytes, still encrypted
   */
  record ReplyDelivery(SurbId surbId, byte[] payload) implements ProcessResult {}
}
