package dev.betanet.router.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.betanet.router.wire.MessageException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Fuzz targets for what travels inside the tunnel's opened frames ({@link TunnelMessages}): a peer
 * that completed the handshake may still send any frame plaintext it likes. The contract of {@link
 * TunnelMessages.Assembly}: only a {@link MessageException} (after which the connection closes);
 * the same verdicts and messages as a model of the rules in the class comment (a direction takes
 * only its own kinds, a message is its parts in order ended by its LAST, at most {@code
 * maxMessageBytes} per message and {@code maxOpen} messages in reassembly at once); and every
 * message split by {@link TunnelMessages#split} comes back whole, whatever the interleaving.
 *
 * <p>Regression inputs: {@code
 * src/test/resources/dev/betanet/router/tunnel/TunnelMessagesFuzzTestInputs}.
 */
class TunnelMessagesFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void reassemblesAnyFrames(FuzzedDataProvider data) {
    boolean requests = data.consumeBoolean();
    int maxMessageBytes = data.consumeInt(0, 512);
    int maxOpen = data.consumeInt(1, 4);
    var assembly = new TunnelMessages.Assembly(requests, maxMessageBytes, maxOpen);
    var model = new AssemblyModel(requests, maxMessageBytes, maxOpen);
    int frames = data.consumeInt(1, 16);
    for (int i = 0; i < frames; i++) {
      byte[] frame = frame(data);
      Optional<byte[]> expected;
      try {
        expected = model.accept(frame);
      } catch (IllegalStateException refusal) {
        expected = null;
      }
      Optional<TunnelMessages.Message> got;
      try {
        got = assembly.accept(frame);
      } catch (MessageException e) {
        assertThat(expected).as("refused: %s", e.getMessage()).isNull();
        return; // the connection closes
      }
      assertThat(expected).as("accepted frame %d", i).isNotNull();
      assertThat(got.isPresent()).isEqualTo(expected.isPresent());
      if (got.isPresent()) {
        assertThat(got.get().request()).isEqualTo(requests);
        assertThat(got.get().id()).isEqualTo(ByteBuffer.wrap(frame, 1, 8).getLong());
        assertThat(got.get().bytes()).isEqualTo(expected.get());
      }
    }
  }

  @FuzzTest(maxDuration = "60s")
  void splitMessagesComeBackWhole(FuzzedDataProvider data) throws MessageException {
    boolean requests = data.consumeBoolean();
    int messages = data.consumeInt(1, 4);
    Map<Long, byte[]> sent = new LinkedHashMap<>();
    List<List<byte[]>> queues = new ArrayList<>();
    for (int m = 0; m < messages; m++) {
      long id = data.consumeLong();
      if (sent.containsKey(id)) {
        continue;
      }
      // Lengths around the chunk boundaries; the content from a fuzz-chosen seed.
      int length =
          data.pickValue(
                  new int[] {
                    0,
                    1,
                    TunnelMessages.CHUNK_BYTES - 1,
                    TunnelMessages.CHUNK_BYTES,
                    TunnelMessages.CHUNK_BYTES + 1,
                    2 * TunnelMessages.CHUNK_BYTES,
                    3000
                  })
              + data.consumeInt(0, 3);
      byte[] message = new byte[length];
      new Random(data.consumeLong()).nextBytes(message);
      sent.put(id, message);
      List<byte[]> frames = TunnelMessages.split(requests, id, message);
      assertThat(frames).hasSize(Math.max(1, Math.ceilDiv(length, TunnelMessages.CHUNK_BYTES)));
      frames.forEach(f -> assertThat(f.length).isLessThanOrEqualTo(maxPlaintext()));
      queues.add(new ArrayList<>(frames));
    }
    var assembly = new TunnelMessages.Assembly(requests, 3 * TunnelMessages.CHUNK_BYTES, 4);
    Map<Long, byte[]> received = new HashMap<>();
    // Interleave: each frame from a fuzz-chosen message; each message's frames stay in order.
    while (queues.stream().anyMatch(q -> !q.isEmpty())) {
      List<List<byte[]>> waiting = queues.stream().filter(q -> !q.isEmpty()).toList();
      List<byte[]> from = waiting.get(data.consumeInt(0, waiting.size() - 1));
      Optional<TunnelMessages.Message> done = assembly.accept(from.removeFirst());
      if (done.isPresent()) {
        assertThat(received.put(done.get().id(), done.get().bytes())).isNull();
        assertThat(from).isEmpty();
      }
    }
    assertThat(received).containsOnlyKeys(sent.keySet());
    sent.forEach((id, bytes) -> assertThat(received.get(id)).isEqualTo(bytes));
  }

  private static int maxPlaintext() {
    return TunnelMessages.HEADER_BYTES + TunnelMessages.CHUNK_BYTES;
  }

  /** A frame plaintext: raw bytes, or a header with a fuzz-chosen kind and one of a few ids. */
  private static byte[] frame(FuzzedDataProvider data) {
    if (data.consumeBoolean()) {
      return data.consumeBytes(data.consumeInt(0, 24));
    }
    byte kind = (byte) data.consumeInt(0, 5);
    long id = data.consumeInt(0, 5);
    byte[] chunk = data.consumeBytes(data.consumeInt(0, 200));
    return ByteBuffer.allocate(TunnelMessages.HEADER_BYTES + chunk.length)
        .put(kind)
        .putLong(id)
        .put(chunk)
        .array();
  }

  /** The rules of the class comment, written out; a refusal is an IllegalStateException. */
  private static final class AssemblyModel {
    private final boolean requests;
    private final int maxMessageBytes;
    private final int maxOpen;
    private final Map<Long, ByteArrayOutputStream> open = new HashMap<>();

    AssemblyModel(boolean requests, int maxMessageBytes, int maxOpen) {
      this.requests = requests;
      this.maxMessageBytes = maxMessageBytes;
      this.maxOpen = maxOpen;
    }

    Optional<byte[]> accept(byte[] frame) {
      if (frame.length < 9) {
        throw new IllegalStateException("short");
      }
      int kind = frame[0];
      int part = requests ? 1 : 3;
      if (kind != part && kind != part + 1) {
        throw new IllegalStateException("kind");
      }
      boolean last = kind == part + 1;
      long id = ByteBuffer.wrap(frame, 1, 8).getLong();
      byte[] chunk = Arrays.copyOfRange(frame, 9, frame.length);
      ByteArrayOutputStream so = open.get(id);
      int already = so == null ? 0 : so.size();
      if (so == null && !last && open.size() >= maxOpen) {
        throw new IllegalStateException("too many open");
      }
      if (already + chunk.length > maxMessageBytes) {
        throw new IllegalStateException("too large");
      }
      if (so == null) {
        so = new ByteArrayOutputStream();
      }
      so.writeBytes(chunk);
      if (last) {
        open.remove(id);
        return Optional.of(so.toByteArray());
      }
      open.put(id, so);
      return Optional.empty();
    }
  }
}
