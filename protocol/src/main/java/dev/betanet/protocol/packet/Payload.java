package dev.betanet.protocol.packet;

import static dev.betanet.protocol.packet.PacketGeometry.MESSAGE_LENGTH_BYTES;
import static dev.betanet.protocol.packet.PacketGeometry.PAYLOAD_AUTH_BYTES;

import dev.betanet.protocol.packet.PacketException.Kind;
import java.util.Arrays;

/**
 * The payload plaintext: {@code zeros(16) | length(2) | message | zero padding}. The zeros are the
 * authenticator: Lioness turns any change of the ciphertext into noise, so they survive only an
 * untouched payload (a forger's chance is 2^-128).
 */
final class Payload {

  private Payload() {}

  /**
   * Writes the plaintext of {@code message} to {@code out[offset .. offset + payloadBytes)}.
   *
   * @throws IllegalArgumentException when the message exceeds the geometry's capacity
   */
  static void encode(PacketGeometry geometry, byte[] message, byte[] out, int offset) {
    if (message.length > geometry.messageCapacity()) {
      throw new IllegalArgumentException(
          "a message is at most "
              + geometry.messageCapacity()
              + " bytes in one packet, got "
              + message.length
              + " (use the fragment package for longer ones)");
    }
    Arrays.fill(out, offset, offset + geometry.payloadBytes(), (byte) 0);
    int lengthAt = offset + PAYLOAD_AUTH_BYTES;
    out[lengthAt] = (byte) (message.length >>> 8);
    out[lengthAt + 1] = (byte) message.length;
    System.arraycopy(message, 0, out, lengthAt + MESSAGE_LENGTH_BYTES, message.length);
  }

  /**
   * The message in the plaintext at {@code in[offset ..]}.
   *
   * @throws PacketException INVALID_PAYLOAD when the authenticator or the length is wrong
   */
  static byte[] decode(PacketGeometry geometry, byte[] in, int offset) throws PacketException {
    int acc = 0;
    for (int i = 0; i < PAYLOAD_AUTH_BYTES; i++) {
      acc |= in[offset + i];
    }
    if (acc != 0) {
      throw new PacketException(
          Kind.INVALID_PAYLOAD, "payload authenticator is not intact (tampered payload)");
    }
    int lengthAt = offset + PAYLOAD_AUTH_BYTES;
    int length = ((in[lengthAt] & 0xFF) << 8) | (in[lengthAt + 1] & 0xFF);
    if (length > geometry.messageCapacity()) {
      throw new PacketException(
          Kind.INVALID_PAYLOAD,
          "message length " + length + " exceeds capacity " + geometry.messageCapacity());
    }
    int from = lengthAt + MESSAGE_LENGTH_BYTES;
    return Arrays.copyOfRange(in, from, from + length);
  }
}
