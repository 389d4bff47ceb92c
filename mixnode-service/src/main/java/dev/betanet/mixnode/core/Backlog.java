package dev.betanet.mixnode.core;

/**
 * The packets a {@link PacketLoop} has read and not yet processed, oldest first, each with the time
 * of the socket read that brought it: one bounded ring of packets and read times, so the two stay
 * in step by construction and no time is boxed. Confined to the loop's thread.
 */
final class Backlog {

  private final byte[][] packets;
  private final long[] readNanos;
  private int head;
  private int size;

  /** Holds at most {@code bound} packets. */
  Backlog(int bound) {
    if (bound < 1) {
      throw new IllegalArgumentException("a backlog holds at least one packet, got " + bound);
    }
    this.packets = new byte[bound][];
    this.readNanos = new long[bound];
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** How many more packets fit. */
  int room() {
    return packets.length - size;
  }

  /**
   * Appends {@code packet}, read at {@code nanos}; the caller keeps within {@link #room()}.
   *
   * @throws IllegalStateException when the backlog is full
   */
  void add(byte[] packet, long nanos) {
    if (size == packets.length) {
      throw new IllegalStateException("BUG: backlog full at " + size + " packets");
    }
    int tail = (head + size) % packets.length;
    packets[tail] = packet;
    readNanos[tail] = nanos;
    size++;
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
    return packet;
  }

  /** Drops every packet. */
  void clear() {
    while (poll() != null) {
      // each slot released
    }
  }
}
