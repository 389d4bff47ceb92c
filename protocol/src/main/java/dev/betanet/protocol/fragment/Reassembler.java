package dev.betanet.protocol.fragment;

import dev.betanet.protocol.fragment.FragmentException.Kind;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;

/**
 * Puts messages back together from {@link Fragments} in any order, ignoring duplicates (the mixnet
 * and retransmission both produce them).
 *
 * <p>Bounded: a message larger than {@code maxMessageBytes} is refused at its first fragment, and
 * at most {@code maxPendingMessages} unfinished messages are held; beyond that the oldest is
 * dropped and counted in {@link #evictedMessages()}. Memory is therefore at most about {@code
 * maxPendingMessages * maxMessageBytes}. Ids of recently finished messages are remembered (as many
 * as {@code maxPendingMessages}) so a late duplicate does not start a phantom message.
 *
 * <p>Thread-safe (synchronized): reassembly is cheap next to the packet crypto.
 */
public final class Reassembler {

  private final Fragments format;
  private final int maxMessageBytes;
  private final int maxPendingMessages;
  private final Map<Long, Pending> pending = new LinkedHashMap<>();
  private final SequencedSet<Long> finished = new LinkedHashSet<>();
  private long evicted;

  private static final class Pending {
    final byte[][] parts;
    int received;
    int bytes;

    Pending(int count) {
      this.parts = new byte[count][];
    }
  }

  public Reassembler(Fragments format, int maxMessageBytes, int maxPendingMessages) {
    if (maxMessageBytes < 0 || maxPendingMessages < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    this.format = format;
    this.maxMessageBytes = maxMessageBytes;
    this.maxPendingMessages = maxPendingMessages;
  }

  /**
   * Takes one fragment.
   *
   * @param fragment not retained (its data is copied)
   * @return the whole message when this fragment completed it, empty otherwise (also for a
   *     duplicate)
   * @throws FragmentException when the fragment is malformed, too large or inconsistent with
   *     earlier fragments of its message
   */
  public synchronized Optional<byte[]> accept(byte[] fragment) throws FragmentException {
    if (fragment.length < Fragments.HEADER_BYTES || fragment.length > format.fragmentBytes()) {
      throw new FragmentException(
          Kind.MALFORMED,
          "got "
              + fragment.length
              + " bytes, expected "
              + Fragments.HEADER_BYTES
              + ".."
              + format.fragmentBytes());
    }
    ByteBuffer in = ByteBuffer.wrap(fragment);
    long id = in.getLong();
    int index = Short.toUnsignedInt(in.getShort());
    int count = Short.toUnsignedInt(in.getShort());
    int dataBytes = fragment.length - Fragments.HEADER_BYTES;
    check(index, count, dataBytes);
    if (finished.contains(id)) {
      return Optional.empty();
    }
    Pending message = pending.get(id);
    if (message == null) {
      message = new Pending(count);
      pending.put(id, message);
      evictBeyondLimit();
    } else if (message.parts.length != count) {
      throw new FragmentException(
          Kind.INCONSISTENT,
          "fragment says " + count + " fragments, earlier ones said " + message.parts.length);
    }
    if (message.parts[index] != null) {
      return Optional.empty();
    }
    message.parts[index] =
        java.util.Arrays.copyOfRange(fragment, Fragments.HEADER_BYTES, fragment.length);
    message.received++;
    message.bytes += dataBytes;
    if (message.received < count) {
      return Optional.empty();
    }
    pending.remove(id);
    remember(id);
    ByteBuffer whole = ByteBuffer.allocate(message.bytes);
    for (byte[] part : message.parts) {
      whole.put(part);
    }
    return Optional.of(whole.array());
  }

  private void check(int index, int count, int dataBytes) throws FragmentException {
    if (count == 0 || index >= count) {
      throw new FragmentException(
          Kind.INVALID_INDEX, "fragment " + index + " of " + count + " does not exist");
    }
    long largest = (long) (count - 1) * format.dataBytesPerFragment() + dataBytes;
    if (largest > maxMessageBytes) {
      throw new FragmentException(
          Kind.TOO_LARGE,
          "a " + count + "-fragment message is over the limit of " + maxMessageBytes + " bytes");
    }
    if (index < count - 1 && dataBytes != format.dataBytesPerFragment()) {
      throw new FragmentException(
          Kind.INCONSISTENT,
          "fragment "
              + index
              + " of "
              + count
              + " carries "
              + dataBytes
              + " bytes, expected "
              + format.dataBytesPerFragment());
    }
  }

  private void evictBeyondLimit() {
    Iterator<Long> oldest = pending.keySet().iterator();
    while (pending.size() > maxPendingMessages) {
      oldest.next();
      oldest.remove();
      evicted++;
    }
  }

  private void remember(long id) {
    finished.add(id);
    while (finished.size() > maxPendingMessages) {
      finished.removeFirst();
    }
  }

  /** Unfinished messages held now. */
  public synchronized int pendingMessages() {
    return pending.size();
  }

  /** Unfinished messages dropped to stay within the limit, since creation. */
  public synchronized long evictedMessages() {
    return evicted;
  }
}
