package dev.betanet.router.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.router.state.StreamSettings;
import dev.betanet.router.wire.MessageException;
import dev.betanet.router.wire.StreamFrame;
import dev.betanet.router.wire.StreamReset;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Two endpoints joined by a simulated carrier that loses and reorders frames (every frame goes
 * through the real codec), on a simulated clock: the transport's promises without a mixnet.
 */
class StreamEndpointTest {

  static final StreamSettings SETTINGS =
      new StreamSettings(
          32,
          64 * 1024,
          8,
          Duration.ofMinutes(5),
          12,
          16,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30));

  private long now;
  private final Random random = new Random(7);
  private final PriorityQueue<InFlight> wire = new PriorityQueue<>();
  private double loss;

  private record InFlight(long at, long order, Side to, byte[] frame)
      implements Comparable<InFlight> {
    @Override
    public int compareTo(InFlight o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
    }
  }

  private long order;

  /** One end: its endpoint, what its local socket received, whether that socket reads. */
  private final class Side implements Carrier, LocalSide, StreamEndpoint.Listener {
    Side peer;
    StreamEndpoint endpoint;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    boolean reading = true;
    boolean inputPaused;
    boolean outputEnded;
    String outcome;
    int retransmissions;

    /** When positive, frames leave one per this many ms, as a router's send queue lets them. */
    long pacedMillis;

    long nextDeparture;

    @Override
    public int dataFrameRoom() {
      return 1400;
    }

    @Override
    public boolean canSendControl() {
      return true;
    }

    @Override
    public void emit(int type, int seq, byte[] payload, int ackNext, int window, List<int[]> s) {
      byte[] frame = new StreamFrame(type, seq, ackNext, window, 0, 0, s, payload).encode();
      if (random.nextDouble() < loss) {
        return;
      }
      long departure = now;
      if (pacedMillis > 0) {
        nextDeparture = Math.max(now, nextDeparture) + pacedMillis;
        departure = nextDeparture;
      }
      // Exponential delays, as three mix hops give: heavy reordering.
      long delay = 10 + (long) (-Math.log(1 - random.nextDouble()) * 60);
      wire.add(new InFlight(departure + delay, order++, peer, frame));
    }

    @Override
    public long departureBoundMillis() {
      return pacedMillis > 0 ? Math.max(0, nextDeparture - now) + pacedMillis : 0;
    }

    @Override
    public boolean write(Buffer data) {
      received.writeBytes(data.getBytes());
      return reading;
    }

    @Override
    public void endOutput() {
      outputEnded = true;
    }

    @Override
    public void pauseInput() {
      inputPaused = true;
    }

    @Override
    public void resumeInput() {
      inputPaused = false;
    }

    @Override
    public void close() {}

    @Override
    public void opened() {}

    @Override
    public void finished(String outcome, StreamReset reset) {
      this.outcome = outcome;
    }

    @Override
    public void retransmitted() {
      retransmissions++;
    }
  }

  private Side entry;
  private Side exit;

  private void connect() {
    entry = new Side();
    exit = new Side();
    entry.peer = exit;
    exit.peer = entry;
    entry.endpoint = new StreamEndpoint(SETTINGS, entry, entry, () -> now, 0, 1000);
    exit.endpoint = new StreamEndpoint(SETTINGS, exit, exit, () -> now, 1, 1000);
    entry.endpoint.open(StreamFrame.openPayload("echo.fog", 22));
    exit.endpoint.attach(exit);
    exit.endpoint.acknowledgeNow();
    entry.endpoint.attach(entry);
  }

  /** Runs the clock {@code millis} forward in 5 ms steps, delivering frames and ticking. */
  private void run(long millis) throws MessageException {
    long end = now + millis;
    while (now < end) {
      now += 5;
      while (!wire.isEmpty() && wire.peek().at() <= now) {
        InFlight f = wire.poll();
        f.to().endpoint.onFrame(StreamFrame.decode(f.frame()));
      }
      if (now % 20 == 0) {
        entry.endpoint.tick();
        exit.endpoint.tick();
      }
    }
  }

  /** Offers {@code data} from a side's local socket as fast as the endpoint takes it. */
  private int feed(Side side, byte[] data, int from) {
    int offset = from;
    while (offset < data.length && !side.inputPaused) {
      int n = Math.min(8192, data.length - offset);
      side.endpoint.offer(Buffer.buffer().appendBytes(data, offset, n));
      offset += n;
    }
    return offset;
  }

  private byte[] pattern(int length, long seed) {
    byte[] data = new byte[length];
    new Random(seed).nextBytes(data);
    return data;
  }

  @Test
  void deliversByteExactBothWaysThroughLossAndReordering() throws MessageException {
    loss = 0.15;
    connect();
    byte[] up = pattern(300_000, 1);
    byte[] down = pattern(200_000, 2);
    int sentUp = 0;
    int sentDown = 0;
    for (int i = 0; i < 4000 && (entry.outcome == null || exit.outcome == null); i++) {
      sentUp = feed(entry, up, sentUp);
      sentDown = feed(exit, down, sentDown);
      if (sentUp == up.length) {
        entry.endpoint.localEnded();
      }
      if (sentDown == down.length) {
        exit.endpoint.localEnded();
      }
      run(50);
    }
    assertThat(exit.received.toByteArray()).isEqualTo(up);
    assertThat(entry.received.toByteArray()).isEqualTo(down);
    assertThat(entry.outcome).isEqualTo("closed");
    assertThat(exit.outcome).isEqualTo("closed");
    assertThat(entry.retransmissions + exit.retransmissions).isPositive();
  }

  @Test
  void aSlowReaderClosesTheWindowAndBothBuffersStayBounded() throws MessageException {
    connect();
    exit.reading = false; // the backend takes one write, then its queue is full
    byte[] up = pattern(2_000_000, 3);
    int sent = 0;
    long maxReceive = 0;
    long maxSend = 0;
    for (int i = 0; i < 400; i++) {
      sent = feed(entry, up, sent);
      run(50);
      maxReceive = Math.max(maxReceive, exit.endpoint.receiveBufferedBytes());
      maxSend = Math.max(maxSend, entry.endpoint.sendBufferedBytes());
    }
    assertThat(maxReceive).isLessThanOrEqualTo(SETTINGS.maxWindowSegments() * 1400L);
    assertThat(maxSend).isLessThan(SETTINGS.sendBufferBytes() + 8192L);
    assertThat(entry.inputPaused).isTrue();
    assertThat(sent).isLessThan(up.length);
    // The reader wakes up: everything arrives, in order.
    exit.reading = true;
    for (int i = 0; i < 4000 && exit.received.size() < up.length; i++) {
      exit.endpoint.drained();
      sent = feed(entry, up, sent);
      run(50);
    }
    assertThat(exit.received.toByteArray()).isEqualTo(up);
  }

  @Test
  void halfCloseKeepsTheOtherDirectionOpen() throws MessageException {
    connect();
    entry.endpoint.offer(Buffer.buffer("question"));
    entry.endpoint.localEnded();
    run(3000);
    assertThat(exit.outputEnded).isTrue(); // the FIN reached the backend's socket
    assertThat(exit.received.toString()).isEqualTo("question");
    exit.endpoint.offer(Buffer.buffer("an answer after the client's end"));
    exit.endpoint.localEnded();
    run(3000);
    assertThat(entry.received.toString()).isEqualTo("an answer after the client's end");
    assertThat(entry.outputEnded).isTrue();
    assertThat(List.of(entry.outcome, exit.outcome)).containsExactly("closed", "closed");
    assertThat(new ArrayList<>(wire)).isEmpty();
  }

  @Test
  void aSegmentQueuedBehindOtherStreamsPacketsIsNotTakenForLost() throws MessageException {
    connect();
    entry.pacedMillis = 20; // the router's send queue: 50 packets/s
    byte[] up = pattern(200_000, 4);
    int sent = 0;
    for (int i = 0; i < 2000 && exit.received.size() < up.length; i++) {
      if (i == 40) {
        // Other streams' windows join the queue at once: what this stream sends next waits 5 s
        // more, far past its round trips so far.
        entry.nextDeparture = Math.max(now, entry.nextDeparture) + 5000;
      }
      sent = feed(entry, up, sent);
      run(50);
    }

    assertThat(exit.received.toByteArray()).isEqualTo(up);
    assertThat(entry.retransmissions).as("segments sent again with nothing lost").isZero();
  }
}
