package dev.betanet.protocol.packet;

/**
 * Every length of the packet format, derived from two parameters: the packet size and the most hops
 * a header can carry. All lengths are in bytes. Symbols in brackets are those of the Sphinx paper
 * (Danezis and Goldberg, 2009) where one exists.
 *
 * <pre>
 * packet  = header | payload                                   (packetBytes)
 * header  = version | keyId | ephemeralKey | mac | routing     (headerBytes)
 * routing = maxHops slots of slotBytes, encrypted              (routingBytes) [beta]
 * slot    = command | timestamp | delay | address | nextKeyId | nextEphemeralKey | nextMac
 * payload = Lioness block: zeros(16) | length(2) | message | zero padding  [delta]
 * </pre>
 *
 * <p>Immutable value class; {@link #DEFAULT} is 2048-byte packets with 5 hops (3 mix layers, the
 * exit router and one spare).
 */
public record PacketGeometry(int packetBytes, int maxHops) {

  /** Format version byte; a packet with another value is refused before any crypto. */
  public static final int VERSION = 1;

  /** Version, then key id: the clear prefix of the header. */
  public static final int VERSION_BYTES = 1;

  /** Selects the node's X25519 key (low byte of the key epoch). */
  public static final int KEY_ID_BYTES = 1;

  /** The hop's X25519 ephemeral public key [alpha]. */
  public static final int EPHEMERAL_KEY_BYTES = 32;

  /** HMAC-SHA256 tag over the header [gamma]. */
  public static final int MAC_BYTES = 32;

  /** Routing command type. */
  public static final int COMMAND_BYTES = 1;

  /** Creation time, unsigned seconds since the Unix epoch. */
  public static final int TIMESTAMP_BYTES = 4;

  /** Per-hop delay, unsigned milliseconds. */
  public static final int DELAY_BYTES = 4;

  /** Next hop's {@link NodeRef}, or the SURB id on a reply's final hop. */
  public static final int ADDRESS_BYTES = 16;

  /** Zero bytes at the start of the payload plaintext that the final hop checks [k]. */
  public static final int PAYLOAD_AUTH_BYTES = 16;

  /** Message length inside the payload, unsigned big-endian. */
  public static final int MESSAGE_LENGTH_BYTES = 2;

  /** Bytes of one hop's routing slot. */
  public static final int SLOT_BYTES =
      COMMAND_BYTES
          + TIMESTAMP_BYTES
          + DELAY_BYTES
          + ADDRESS_BYTES
          + KEY_ID_BYTES
          + EPHEMERAL_KEY_BYTES
          + MAC_BYTES;

  // Offsets inside the header.
  public static final int VERSION_OFFSET = 0;
  public static final int KEY_ID_OFFSET = VERSION_OFFSET + VERSION_BYTES;
  public static final int EPHEMERAL_KEY_OFFSET = KEY_ID_OFFSET + KEY_ID_BYTES;
  public static final int MAC_OFFSET = EPHEMERAL_KEY_OFFSET + EPHEMERAL_KEY_BYTES;
  public static final int ROUTING_OFFSET = MAC_OFFSET + MAC_BYTES;

  // Offsets inside a slot.
  static final int SLOT_COMMAND = 0;
  static final int SLOT_TIMESTAMP = SLOT_COMMAND + COMMAND_BYTES;
  static final int SLOT_DELAY = SLOT_TIMESTAMP + TIMESTAMP_BYTES;
  static final int SLOT_ADDRESS = SLOT_DELAY + DELAY_BYTES;
  static final int SLOT_NEXT_KEY_ID = SLOT_ADDRESS + ADDRESS_BYTES;
  static final int SLOT_NEXT_EPHEMERAL = SLOT_NEXT_KEY_ID + KEY_ID_BYTES;
  static final int SLOT_NEXT_MAC = SLOT_NEXT_EPHEMERAL + EPHEMERAL_KEY_BYTES;

  /** The cluster default: 2048-byte packets, up to 5 hops. */
  public static final PacketGeometry DEFAULT = new PacketGeometry(2048, 5);

  /**
   * @throws IllegalArgumentException when the hops are not 1..16 or the packet leaves no room for a
   *     payload longer than a Lioness block's left half plus its framing, or the message capacity
   *     would not fit the 2-byte length field
   */
  public PacketGeometry {
    if (maxHops < 1 || maxHops > 16) {
      throw new IllegalArgumentException("maxHops is 1..16, got " + maxHops);
    }
    int header = ROUTING_OFFSET + maxHops * SLOT_BYTES;
    int payload = packetBytes - header;
    int capacity = payload - PAYLOAD_AUTH_BYTES - MESSAGE_LENGTH_BYTES;
    if (capacity < 1 || payload <= 32) {
      throw new IllegalArgumentException(
          "a "
              + packetBytes
              + "-byte packet with "
              + maxHops
              + " hops leaves no room for a message (header is "
              + header
              + " bytes)");
    }
    if (capacity > 0xFFFF) {
      throw new IllegalArgumentException(
          "packets above " + (header + 0xFFFF + 18) + " bytes are not supported");
    }
  }

  /** Bytes of the encrypted routing information [beta]: one slot per possible hop. */
  public int routingBytes() {
    return maxHops * SLOT_BYTES;
  }

  /** Bytes of the header: clear prefix, MAC and routing information. */
  public int headerBytes() {
    return ROUTING_OFFSET + routingBytes();
  }

  /** Bytes of the payload (one Lioness block). */
  public int payloadBytes() {
    return packetBytes - headerBytes();
  }

  /** The longest message one packet carries: payload less its authenticator and length. */
  public int messageCapacity() {
    return payloadBytes() - PAYLOAD_AUTH_BYTES - MESSAGE_LENGTH_BYTES;
  }
}
