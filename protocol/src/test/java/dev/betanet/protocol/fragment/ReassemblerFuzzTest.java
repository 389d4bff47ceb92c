package dev.betanet.protocol.fragment;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.betanet.protocol.fragment.FragmentException.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Fuzz targets for fragment reassembly, which sees whatever a peer put in a packet's message. The
 * contract (docs/protocol.md, "Fragmentation"): only a {@link FragmentException} of the documented
 * kind, duplicates ignored, at most {@code maxPendingMessages} unfinished messages (the oldest
 * evicted and counted), no message over the size limit, and split → reassemble is exact in any
 * order.
 *
 * <p>Regression inputs: {@code
 * src/test/resources/dev/betanet/protocol/fragment/ReassemblerFuzzTestInputs}.
 */
class ReassemblerFuzzTest {

  /**
   * Any sequence of fragments, raw or well formed, against a model of the rules written from the
   * docs: the reassembler must give the same verdict, message and counters for every fragment.
   */
  @FuzzTest(maxDuration = "60s")
  void acceptsAnyFragments(FuzzedDataProvider data) {
    Fragments format = new Fragments(data.consumeInt(Fragments.HEADER_BYTES + 1, 64));
    int maxMessageBytes = data.consumeInt(0, 512);
    int maxPending = data.consumeInt(1, 4);
    Reassembler reassembler = new Reassembler(format, maxMessageBytes, maxPending);
    Model model = new Model(format, maxMessageBytes, maxPending);
    while (data.remainingBytes() > 0) {
      byte[] fragment = data.consumeBoolean() ? raw(data, format) : shaped(data, format);
      Object expected = model.accept(fragment);
      Object actual;
      try {
        actual = reassembler.accept(fragment);
      } catch (FragmentException e) {
        actual = e.kind();
      }
      if (expected instanceof Optional<?> message && message.isPresent()) {
        assertThat(actual).isInstanceOf(Optional.class);
        assertThat(((Optional<?>) actual).orElseThrow()).isEqualTo(message.get());
        assertThat(((byte[]) message.get()).length).isLessThanOrEqualTo(maxMessageBytes);
      } else {
        assertThat(actual).isEqualTo(expected);
      }
      assertThat(reassembler.pendingMessages()).isEqualTo(model.pending.size());
      assertThat(reassembler.pendingMessages()).isLessThanOrEqualTo(maxPending);
      assertThat(reassembler.evictedMessages()).isEqualTo(model.evicted);
    }
  }

  /** Messages split, shuffled, duplicated and interleaved come back exactly, each once. */
  @FuzzTest(maxDuration = "60s")
  void reassemblesInAnyOrder(FuzzedDataProvider data) throws FragmentException {
    Fragments format = new Fragments(data.consumeInt(Fragments.HEADER_BYTES + 1, 48));
    int messages = data.consumeInt(1, 3);
    Random order = new Random(data.consumeLong());
    Map<Long, byte[]> sent = new HashMap<>();
    List<byte[]> wire = new ArrayList<>();
    for (long id = 0; id < messages; id++) {
      byte[] message = data.consumeBytes(data.consumeInt(0, 8 * format.dataBytesPerFragment()));
      sent.put(id, message);
      for (byte[] fragment : format.split(id, message)) {
        wire.add(fragment);
        if (data.consumeBoolean()) {
          wire.add(fragment.clone());
        }
      }
    }
    Collections.shuffle(wire, order);
    Reassembler reassembler = new Reassembler(format, 8 * format.dataBytesPerFragment(), messages);
    Map<Long, byte[]> received = new HashMap<>();
    for (byte[] fragment : wire) {
      Optional<byte[]> done = reassembler.accept(fragment);
      if (done.isPresent()) {
        long id = ByteBuffer.wrap(fragment).getLong();
        assertThat(received.put(id, done.get())).as("message %d completed twice", id).isNull();
      }
    }
    assertThat(received).containsOnlyKeys(sent.keySet());
    sent.forEach((id, message) -> assertThat(received.get(id)).isEqualTo(message));
    assertThat(reassembler.pendingMessages()).isZero();
    assertThat(reassembler.evictedMessages()).isZero();
  }

  private static byte[] raw(FuzzedDataProvider data, Fragments format) {
    return data.consumeBytes(data.consumeInt(0, format.fragmentBytes() + 2));
  }

  /** A fragment with a small id, a plausible index and count, and a chosen data length. */
  private static byte[] shaped(FuzzedDataProvider data, Fragments format) {
    long id = data.consumeInt(0, 5);
    int count = data.consumeInt(0, 8);
    int index = data.consumeInt(0, 8);
    byte[] body =
        data.consumeBytes(
            data.consumeBoolean()
                ? format.dataBytesPerFragment()
                : data.consumeInt(0, format.dataBytesPerFragment()));
    return ByteBuffer.allocate(Fragments.HEADER_BYTES + body.length)
        .putLong(id)
        .putShort((short) index)
        .putShort((short) count)
        .put(body)
        .array();
  }

  /**
   * The reassembly rules as docs/protocol.md states them: returns the message (Optional) or the
   * refusal's {@link Kind}.
   */
  private static final class Model {
    final Fragments format;
    final int maxMessageBytes;
    final int maxPending;
    final LinkedHashMap<Long, byte[][]> pending = new LinkedHashMap<>();
    final LinkedHashSet<Long> finished = new LinkedHashSet<>();
    long evicted;

    Model(Fragments format, int maxMessageBytes, int maxPending) {
      this.format = format;
      this.maxMessageBytes = maxMessageBytes;
      this.maxPending = maxPending;
    }

    Object accept(byte[] fragment) {
      if (fragment.length < Fragments.HEADER_BYTES || fragment.length > format.fragmentBytes()) {
        return Kind.MALFORMED;
      }
      ByteBuffer in = ByteBuffer.wrap(fragment);
      long id = in.getLong();
      int index = Short.toUnsignedInt(in.getShort());
      int count = Short.toUnsignedInt(in.getShort());
      byte[] body = new byte[in.remaining()];
      in.get(body);
      int full = format.dataBytesPerFragment();
      if (count == 0 || index >= count) {
        return Kind.INVALID_INDEX;
      }
      if ((long) (count - 1) * full + body.length > maxMessageBytes) {
        return Kind.TOO_LARGE;
      }
      if (index < count - 1 && body.length != full) {
        return Kind.INCONSISTENT;
      }
      if (finished.contains(id)) {
        return Optional.empty();
      }
      byte[][] parts = pending.get(id);
      if (parts == null) {
        parts = new byte[count][];
        pending.put(id, parts);
        Iterator<Long> oldest = pending.keySet().iterator();
        while (pending.size() > maxPending) {
          oldest.next();
          oldest.remove();
          evicted++;
        }
      } else if (parts.length != count) {
        return Kind.INCONSISTENT;
      }
      if (parts[index] == null) {
        parts[index] = body;
      }
      for (byte[] part : parts) {
        if (part == null) {
          return Optional.empty();
        }
      }
      pending.remove(id);
      finished.add(id);
      if (finished.size() > maxPending) {
        finished.removeFirst();
      }
      ByteArrayOutputStream whole = new ByteArrayOutputStream();
      for (byte[] part : parts) {
        whole.writeBytes(part);
      }
      return Optional.of(whole.toByteArray());
    }
  }
}
