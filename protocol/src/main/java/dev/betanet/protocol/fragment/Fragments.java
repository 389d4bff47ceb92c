package dev.betanet.protocol.fragment;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a message into fragments that each fit one packet's message capacity. A fragment is:
 *
 * <pre>
 * messageId(8) | index(2, unsigned) | count(2, unsigned) | data
 * </pre>
 *
 * Every fragment but the last carries exactly {@code fragmentBytes - HEADER_BYTES} bytes of data,
 * so the receiver can check sizes and place data without offsets on the wire. The message id is
 * random, so ids do not link a sender's messages.
 *
 * <p>Immutable and thread-safe.
 */
public final class Fragments {

  /** Bytes of the fragment header. */
  public static final int HEADER_BYTES = 8 + 2 + 2;

  /** Most fragments per message (the count field is 16 bits). */
  public static final int MAX_FRAGMENTS = 0xFFFF;

  private final int fragmentBytes;

  /**
   * @param fragmentBytes the longest fragment, header included: normally {@code
   *     PacketGeometry.messageCapacity()}
   */
  public Fragments(int fragmentBytes) {
    if (fragmentBytes <= HEADER_BYTES) {
      throw new IllegalArgumentException(
          "a fragment must hold more than its " + HEADER_BYTES + "-byte header");
    }
    this.fragmentBytes = fragmentBytes;
  }

  /** Data bytes in every fragment but the last. */
  public int dataBytesPerFragment() {
    return fragmentBytes - HEADER_BYTES;
  }

  public int fragmentBytes() {
    return fragmentBytes;
  }

  /** Fragments needed for a message of {@code messageBytes} (at least one, even when empty). */
  public int countFor(int messageBytes) {
    return Math.max(1, Math.ceilDiv(messageBytes, dataBytesPerFragment()));
  }

  /**
   * Splits {@code message} under a random id.
   *
   * @throws IllegalArgumentException when it needs more than {@link #MAX_FRAGMENTS} fragments
   */
  public List<byte[]> split(byte[] message, SecureRandom random) {
    return split(random.nextLong(), message);
  }

  /**
   * Splits {@code message} under {@code messageId}; each fragment is a new array.
   *
   * @throws IllegalArgumentException when it needs more than {@link #MAX_FRAGMENTS} fragments
   */
  public List<byte[]> split(long messageId, byte[] message) {
    int count = countFor(message.length);
    if (count > MAX_FRAGMENTS) {
      throw new IllegalArgumentException(
          "a "
              + message.length
              + "-byte message needs "
              + count
              + " fragments, at most "
              + MAX_FRAGMENTS);
    }
    int per = dataBytesPerFragment();
    List<byte[]> fragments = new ArrayList<>(count);
    for (int index = 0; index < count; index++) {
      int from = index * per;
      int length = Math.min(per, message.length - from);
      byte[] fragment = new byte[HEADER_BYTES + length];
      ByteBuffer.wrap(fragment)
          .putLong(messageId)
          .putShort((short) index)
          .putShort((short) count)
          .put(message, from, length);
      fragments.add(fragment);
    }
    return fragments;
  }
}
