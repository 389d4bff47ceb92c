package dev.betanet.mixnode.core;

/**
 * The packets a {@link PacketLoop} has read and not yet processed, oldest first, each with the time
 * of the socket read that brought it: one bounded ring of packets and read times, so the two stay
 * in step by construction and no time is boxed. Bounded in packets and in bytes (the topology's
 * packet size may be up to 64 KiB). Confined to the loop's thread.
 */
final class Backlog {

  private final byte[][] packets;
  private final long[] readNanos;
  private final long boundBytes;
  private int head;
  private int size;
  private long bytes;

  /** Holds at most {@code bound} packets and {@code boundBytes} bytes of them. */
  Backlog(int bound, long boundBytes) {
    if (bound < 1) {
      throw new IllegalArgumentException("a backlog holds at least one packet, got " + bound);
    }
    if (boundBytes < 1) {
      throw new IllegalArgumentException("a backlog holds at least one byte, got " + boundBytes);
    }
    this.packets = new byte[bound][];
    this.readNanos = new long[bound];
    this.boundBytes = boundBytes;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Whether a packet of {@code length} bytes fits under both bounds. */
  boolean fits(int length) {
    return size < packets.length && bytes + length <= boundBytes;
  }

  /**
   * Appends {@code packet}, read at {@code nanos}; the caller checks {@link #fits} first.
   *
   * @throws IllegalStateException when it does not fit
   */
  void add(byte[] packet, long nanos) {
    if (!fits(packet.length)) {
      throw new IllegalStateException(
          "BUG: backlog full at " + size + " packets and " + bytes + " bytes");
    }
    int tail = (head + size) % packets.length;
    packets[tail] = packet;
    readNanos[tail] = nanos;
    size++;
    bytes += packet.length;
  }

  /** When the oldest packet was read; only while not {@link #isEmpty()}. */
  long oldestReadNanos() {
    return readNanos[head];
  }

  /** Removes and returns the oldest packet, or null when empty. */
  byte[] poll() {
    if (size == 0) {
      return null;
    }
    byte[] packet = packets[head];
    packets[head] = null; // the ring must not keep a processed packet alive
    head = (head + 1) % packets.length;
    size--;
    bytes -= packet.length;
    return packet;
  }

  /** Drops every packet. */
  void clear() {
    while (poll() != null) {
      // each slot released
    }
  }
}
