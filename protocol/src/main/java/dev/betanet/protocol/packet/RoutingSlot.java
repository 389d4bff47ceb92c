package dev.betanet.protocol.packet;

import static dev.betanet.protocol.packet.PacketGeometry.SLOT_ADDRESS;
import static dev.betanet.protocol.packet.PacketGeometry.SLOT_BYTES;
import static dev.betanet.protocol.packet.PacketGeometry.SLOT_COMMAND;
import static dev.betanet.protocol.packet.PacketGeometry.SLOT_DELAY;
import static dev.betanet.protocol.packet.PacketGeometry.SLOT_NEXT_KEY_ID;
import static dev.betanet.protocol.packet.PacketGeometry.SLOT_TIMESTAMP;

import dev.betanet.protocol.packet.PacketException.Kind;

/**
 * Writes and parses one hop's routing slot:
 *
 * <pre>
 * command(1) | timestamp(4, seconds) | delay(4, ms) | address(16) | nextKeyId(1)
 *            | nextEphemeralKey(32) | nextMac(32)
 * </pre>
 *
 * A final-hop command (Deliver, DeliverReply) must have zero delay and zero next-header fields, and
 * Deliver a zero address: one encoding per meaning, so nothing can be smuggled in unused bytes.
 */
final class RoutingSlot {

  private RoutingSlot() {}

  /** Writes {@code command} and {@code timestampSeconds} to {@code out[offset ..]}. */
  static void write(RoutingCommand command, long timestampSeconds, byte[] out, int offset) {
    out[offset + SLOT_COMMAND] = (byte) command.type();
    putInt(out, offset + SLOT_TIMESTAMP, timestampSeconds);
    switch (command) {
      case RoutingCommand.Relay relay -> {
        putInt(out, offset + SLOT_DELAY, relay.delayMillis());
        relay.next().writeTo(out, offset + SLOT_ADDRESS);
      }
      case RoutingCommand.Deliver deliver -> {}
      case RoutingCommand.DeliverReply reply -> reply.surbId().writeTo(out, offset + SLOT_ADDRESS);
    }
  }

  /**
   * Parses the command in {@code slot[offset ..]}.
   *
   * @throws PacketException MALFORMED_COMMAND for an unknown type or non-zero unused fields
   */
  static RoutingCommand parse(byte[] slot, int offset) throws PacketException {
    int type = slot[offset + SLOT_COMMAND] & 0xFF;
    return switch (type) {
      case RoutingCommand.RELAY ->
          new RoutingCommand.Relay(
              NodeRef.read(slot, offset + SLOT_ADDRESS), getInt(slot, offset + SLOT_DELAY));
      case RoutingCommand.DELIVER -> {
        requireZero(slot, offset + SLOT_DELAY, SLOT_BYTES - SLOT_DELAY, "deliver");
        yield new RoutingCommand.Deliver();
      }
      case RoutingCommand.DELIVER_REPLY -> {
        requireZero(slot, offset + SLOT_DELAY, SLOT_ADDRESS - SLOT_DELAY, "deliver-reply");
        requireZero(
            slot, offset + SLOT_NEXT_KEY_ID, SLOT_BYTES - SLOT_NEXT_KEY_ID, "deliver-reply");
        yield new RoutingCommand.DeliverReply(SurbId.read(slot, offset + SLOT_ADDRESS));
      }
      default -> throw new PacketException(Kind.MALFORMED_COMMAND, "unknown command type " + type);
    };
  }

  /** The creation time in seconds. */
  static long timestampSeconds(byte[] slot, int offset) {
    return getInt(slot, offset + SLOT_TIMESTAMP);
  }

  private static void requireZero(byte[] bytes, int offset, int length, String command)
      throws PacketException {
    int acc = 0;
    for (int i = 0; i < length; i++) {
      acc |= bytes[offset + i];
    }
    if (acc != 0) {
      throw new PacketException(
          Kind.MALFORMED_COMMAND, "a " + command + " command has non-zero unused fields");
    }
  }

  static void putInt(byte[] out, int offset, long value) {
    out[offset] = (byte) (value >>> 24);
    out[offset + 1] = (byte) (value >>> 16);
    out[offset + 2] = (byte) (value >>> 8);
    out[offset + 3] = (byte) value;
  }

  static long getInt(byte[] in, int offset) {
    return ((in[offset] & 0xFFL) << 24)
        | ((in[offset + 1] & 0xFFL) << 16)
        | ((in[offset + 2] & 0xFFL) << 8)
        | (in[offset + 3] & 0xFFL);
  }
}
