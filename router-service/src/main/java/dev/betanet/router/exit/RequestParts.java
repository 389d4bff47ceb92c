package dev.betanet.router.exit;

import dev.betanet.protocol.fragment.Fragments;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One request's fragments as they arrive at the exit, in any order, duplicates ignored. Unlike the
 * protocol's general {@code Reassembler}, it never drops what it holds to make room for another
 * request: the exit acknowledges a fragment once it is stored here, and the entry never sends an
 * acknowledged fragment again, so a stored fragment must stay until its request completes or its
 * entry has given up (see {@link ExitHandler}). Space is allotted per fragment as it arrives, so a
 * first fragment that claims a large message costs no more than itself.
 */
final class RequestParts {

  private final int count;
  private final byte[][] parts;
  private int received;
  private long bytes;

  private RequestParts(int count) {
    this.count = count;
    this.parts = new byte[count][];
  }

  /**
   * Why {@code fragment} cannot belong to request {@code requestId} (null when it can): its header
   * must name the request, an index below its count, a count of at most the message limit's
   * fragments and, for all but the last fragment, a full fragment of data.
   *
   * @param knownCount the count an earlier fragment of the request gave, or 0
   */
  static String problem(
      byte[] fragment, long requestId, Fragments format, int maxMessageBytes, int knownCount) {
    if (fragment.length < Fragments.HEADER_BYTES || fragment.length > format.fragmentBytes()) {
      return "fragment of " + fragment.length + " bytes";
    }
    ByteBuffer header = ByteBuffer.wrap(fragment);
    long id = header.getLong();
    int index = Short.toUnsignedInt(header.getShort());
    int count = Short.toUnsignedInt(header.getShort());
    int data = fragment.length - Fragments.HEADER_BYTES;
    if (id != requestId) {
      return "fragment of another message";
    }
    if (count == 0 || index >= count) {
      return "fragment " + index + " of " + count;
    }
    if ((long) (count - 1) * format.dataBytesPerFragment() + data > maxMessageBytes) {
      return "a " + count + "-fragment message is over the limit";
    }
    if (index < count - 1 && data != format.dataBytesPerFragment()) {
      return "short fragment before the last";
    }
    if (knownCount != 0 && knownCount != count) {
      return "fragment count " + count + ", earlier fragments said " + knownCount;
    }
    return null;
  }

  /** Parts for a request whose fragment (already checked with {@link #problem}) says its count. */
  static RequestParts of(byte[] fragment) {
    return new RequestParts(Short.toUnsignedInt(ByteBuffer.wrap(fragment, 10, 2).getShort()));
  }

  static int index(byte[] fragment) {
    return Short.toUnsignedInt(ByteBuffer.wrap(fragment, 8, 2).getShort());
  }

  static int dataBytes(byte[] fragment) {
    return fragment.length - Fragments.HEADER_BYTES;
  }

  int count() {
    return count;
  }

  boolean has(int index) {
    return parts[index] != null;
  }

  /** Stores a checked fragment's data; false for a duplicate. */
  boolean put(byte[] fragment) {
    int index = index(fragment);
    if (parts[index] != null) {
      return false;
    }
    parts[index] = Arrays.copyOfRange(fragment, Fragments.HEADER_BYTES, fragment.length);
    received++;
    bytes += parts[index].length;
    return true;
  }

  boolean complete() {
    return received == count;
  }

  /** Data bytes held. */
  long bytes() {
    return bytes;
  }

  /** The whole request; only when {@link #complete()}. */
  byte[] assemble() {
    ByteBuffer whole = ByteBuffer.allocate((int) bytes);
    for (byte[] part : parts) {
      whole.put(part);
    }
    return whole.array();
  }
}
