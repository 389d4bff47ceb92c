package dev.betanet.router.exit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.betanet.protocol.fragment.Fragments;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * Fuzz targets for the exit's request reassembly input ({@link RequestParts}): any entry may send
 * any fragment for any request id. The harness drives it as {@link ExitHandler} does (check with
 * {@link RequestParts#problem}, create the parts from the first good fragment, put, assemble when
 * complete). The contract: nothing but a verdict (no exception for any bytes); the same verdict as
 * a model of the rules in {@code problem}'s comment and docs/protocol.md ("Fragmentation"); a
 * request completes exactly when every index of its count has arrived, to exactly the data of the
 * first copy of each, never longer than the message limit; and a genuine message, its fragments in
 * any order with duplicates, comes back byte for byte.
 *
 * <p>Regression inputs: {@code
 * src/test/resources/dev/betanet/router/exit/RequestPartsFuzzTestInputs}.
 */
class RequestPartsFuzzTest {

  private static final long REQUEST = 0x0102030405060708L;

  @FuzzTest(maxDuration = "60s")
  void acceptsAnyFragments(FuzzedDataProvider data) {
    Fragments format = new Fragments(data.consumeInt(Fragments.HEADER_BYTES + 1, 96));
    int maxMessageBytes = data.consumeInt(0, 1024);
    List<byte[]> genuine =
        format.split(REQUEST, message(data, data.consumeInt(0, 4 * format.fragmentBytes())));
    RequestParts parts = null;
    TreeMap<Integer, byte[]> model = new TreeMap<>();
    int modelCount = 0;
    int fragments = data.consumeInt(1, 24);
    for (int i = 0; i < fragments && data.remainingBytes() > 0; i++) {
      byte[] fragment = fragment(data, format, genuine);
      String problem =
          RequestParts.problem(
              fragment, REQUEST, format, maxMessageBytes, parts == null ? 0 : parts.count());
      String expected = modelProblem(fragment, format, maxMessageBytes, modelCount);
      assertThat(problem == null)
          .as("verdict %s, model %s", problem, expected)
          .isEqualTo(expected == null);
      if (problem != null) {
        continue;
      }
      int index = RequestParts.index(fragment);
      if (parts == null) {
        parts = RequestParts.of(fragment);
        modelCount = count(fragment);
      }
      assertThat(parts.count()).isEqualTo(modelCount);
      boolean fresh = !model.containsKey(index);
      assertThat(parts.has(index)).isEqualTo(!fresh);
      assertThat(parts.put(fragment)).isEqualTo(fresh);
      model.putIfAbsent(
          index, Arrays.copyOfRange(fragment, Fragments.HEADER_BYTES, fragment.length));
      assertThat(parts.bytes()).isEqualTo(model.values().stream().mapToLong(d -> d.length).sum());
      assertThat(parts.complete()).isEqualTo(model.size() == modelCount);
      if (parts.complete()) {
        byte[] whole = parts.assemble();
        var expectedWhole = new ByteArrayOutputStream();
        model.values().forEach(expectedWhole::writeBytes);
        assertThat(whole).isEqualTo(expectedWhole.toByteArray());
        assertThat(whole.length).isLessThanOrEqualTo(maxMessageBytes);
        parts = null; // the exit forgets the parts once the request is whole
        model.clear();
        modelCount = 0;
      }
    }
  }

  @FuzzTest(maxDuration = "60s")
  void reassemblesInAnyOrder(FuzzedDataProvider data) {
    Fragments format = new Fragments(data.consumeInt(Fragments.HEADER_BYTES + 1, 96));
    byte[] message = message(data, data.consumeInt(0, 16 * format.dataBytesPerFragment()));
    int maxMessageBytes = format.countFor(message.length) * format.dataBytesPerFragment();
    List<byte[]> fragments = new ArrayList<>(format.split(REQUEST, message));
    int duplicates = data.consumeInt(0, 4);
    for (int d = 0; d < duplicates; d++) {
      fragments.add(fragments.get(data.consumeInt(0, fragments.size() - 1)).clone());
    }
    List<byte[]> order = new ArrayList<>();
    while (!fragments.isEmpty()) {
      order.add(fragments.remove(data.consumeInt(0, fragments.size() - 1)));
    }
    RequestParts parts = null;
    byte[] whole = null;
    for (byte[] fragment : order) {
      if (whole != null) {
        break; // complete: later copies go to the finished request, not here
      }
      int known = parts == null ? 0 : parts.count();
      assertThat(RequestParts.problem(fragment, REQUEST, format, maxMessageBytes, known)).isNull();
      if (parts == null) {
        parts = RequestParts.of(fragment);
      }
      parts.put(fragment);
      if (parts.complete()) {
        whole = parts.assemble();
      }
    }
    assertThat(whole).isEqualTo(message);
  }

  /**
   * The rules, written out: a header and at most a whole fragment; this request's id; an index
   * below a non-zero count; the largest message the fragment allows ({@code count - 1} full
   * fragments and this one's data) within the limit; a full fragment before the last; the count an
   * earlier fragment gave.
   */
  private static String modelProblem(
      byte[] fragment, Fragments format, int maxMessageBytes, int knownCount) {
    if (fragment.length < 12 || fragment.length > format.fragmentBytes()) {
      return "size";
    }
    int data = fragment.length - 12;
    int index = ((fragment[8] & 0xFF) << 8) | (fragment[9] & 0xFF);
    int count = count(fragment);
    if (ByteBuffer.wrap(fragment).getLong() != REQUEST) {
      return "id";
    }
    if (index >= count) {
      return "index"; // also count 0
    }
    if ((long) (count - 1) * format.dataBytesPerFragment() + data > maxMessageBytes) {
      return "limit";
    }
    if (index != count - 1 && data != format.dataBytesPerFragment()) {
      return "short";
    }
    if (knownCount != 0 && knownCount != count) {
      return "count";
    }
    return null;
  }

  private static int count(byte[] fragment) {
    return ((fragment[10] & 0xFF) << 8) | (fragment[11] & 0xFF);
  }

  private static byte[] message(FuzzedDataProvider data, int length) {
    byte[] message = new byte[length];
    new Random(data.consumeInt()).nextBytes(message);
    return message;
  }

  /** A genuine fragment, one with a fuzz-changed header field or length, or raw bytes. */
  private static byte[] fragment(FuzzedDataProvider data, Fragments format, List<byte[]> genuine) {
    return switch (data.consumeInt(0, 3)) {
      case 0 -> data.consumeBytes(data.consumeInt(0, format.fragmentBytes() + 2));
      case 1 -> {
        byte[] f = genuine.get(data.consumeInt(0, genuine.size() - 1)).clone();
        int field = data.consumeInt(0, 2);
        int at = field == 0 ? 7 : field == 1 ? 9 : 11; // id's last byte, index, count (low bytes)
        f[at] = data.consumeByte();
        yield f;
      }
      case 2 -> {
        byte[] f = genuine.get(data.consumeInt(0, genuine.size() - 1));
        yield Arrays.copyOf(f, data.consumeInt(0, format.fragmentBytes() + 1));
      }
      default -> genuine.get(data.consumeInt(0, genuine.size() - 1)).clone();
    };
  }
}
