package dev.betanet.router.stream;

import dev.betanet.router.state.StreamSettings;
import dev.betanet.router.wire.StreamFrame;
import dev.betanet.router.wire.StreamReset;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One end of a reliable, ordered stream over a lossy, reordering carrier (the mixnet): the same
 * code at the entry and at the exit. Not thread-safe: every call comes from the stream's context.
 *
 * <p>Order of work in {@link #pump()}, and why: segments whose retransmission timer ran out go
 * first (the receiver cannot deliver past a hole), then new segments while the congestion window,
 * the peer's receive window and the carrier allow (ack clocking: new data leaves only as
 * acknowledgements free the window, so the pace follows whatever rate packets actually leave at),
 * then an acknowledgement if one is owed and no frame carried it.
 *
 * <p>Flow control: the receiver offers the room left in its {@link ReceiveBuffer}; a slow local
 * reader leaves segments there, the window closes and the sender stops; the sender's {@link
 * SendQueue} fills and its local socket is paused. Both buffers are bounded, so memory does not
 * grow with a slow reader. A sender facing a closed window probes once per timeout.
 *
 * <p>Closing: a local end of input becomes a FIN after the data (half-close: the other direction
 * keeps flowing); the peer's FIN ends the local socket's output once everything before it was
 * written. The stream is finished when both FINs are through and ours is acknowledged. A segment
 * sent {@code maxRetransmissions} times in vain, or a stream idle for {@code idleTimeout}, is
 * reset.
 */
public final class StreamEndpoint {

  /** What the owner hears. */
  public interface Listener {
    /** The peer acknowledged the first segment (at the entry: the exit accepted the OPEN). */
    void opened();

    /** The stream is over: {@code closed}, or a reset's reason word (once). */
    void finished(String outcome, StreamReset reset);

    /** Payload bytes sent for the first time or delivered to the local socket. */
    default void bytes(boolean sent, int count) {}

    /** A segment was sent again. */
    default void retransmitted() {}
  }

  /** Ack at once after this many segments; fewer wait for the delayed-ack timer. */
  private static final int ACK_EVERY = 2;

  private static final long ACK_DELAY_MILLIS = 15;

  /**
   * The least retransmission timeout. Mixnet round trips spread widely (exponential delays at each
   * hop, queues on a loaded node), so a short floor mistakes slow packets for lost ones and halves
   * the window for nothing.
   */
  private static final long MIN_RTO_MILLIS = 400;

  private final StreamSettings settings;
  private final Carrier carrier;
  private final Listener listener;
  private final LongSupplier clock;
  private final SendQueue send;
  private final ReceiveBuffer receive;
  private final CongestionWindow cwnd;
  private final RttEstimator rtt;
  private LocalSide local;
  private boolean opened;
  private boolean finished;
  private boolean closedCleanly;
  private boolean outputEnded;
  private boolean inputPaused;
  private int peerAckNext;
  private int peerWindow;
  private int ackOwed;
  private long ackDueAt;
  private int lastAdvertised;
  private long lastActivity;
  private long lastProbeAt;

  /**
   * @param firstReceiveSeq the peer's first sequence number this end will see (1 at the exit, whose
   *     OPEN was consumed when the stream was accepted)
   * @param initialRtoMillis the retransmission timeout before any sample: a generous guess from the
   *     path's delays
   */
  public StreamEndpoint(
      StreamSettings settings,
      Carrier carrier,
      Listener listener,
      LongSupplier clock,
      int firstReceiveSeq,
      long initialRtoMillis) {
    this.settings = settings;
    this.carrier = carrier;
    this.listener = listener;
    this.clock = clock;
    this.send = new SendQueue(settings.sendBufferBytes());
    this.receive = new ReceiveBuffer(settings.maxWindowSegments(), firstReceiveSeq);
    this.cwnd =
        new CongestionWindow(settings.initialWindowSegments(), settings.maxWindowSegments());
    this.rtt = new RttEstimator(initialRtoMillis, MIN_RTO_MILLIS, 10_000);
    this.peerWindow = settings.initialWindowSegments();
    this.lastAdvertised = receive.window();
    this.lastActivity = clock.getAsLong();
  }

  /** Queues the OPEN (entry only): the first segment, seq 0. */
  public void open(byte[] openPayload) {
    send.add(StreamFrame.OPEN, openPayload);
    pump();
  }

  /** The local socket, from now on read and written by this endpoint. */
  public void attach(LocalSide side) {
    this.local = side;
    opened = true;
    deliver();
    pump();
  }

  /** Acknowledges at once (the exit, having accepted the OPEN). */
  public void acknowledgeNow() {
    ackOwed++;
    ackDueAt = clock.getAsLong();
    pump();
  }

  /** Bytes read from the local socket. */
  public void offer(Buffer data) {
    if (finished) {
      return;
    }
    lastActivity = clock.getAsLong();
    if (!send.offer(data) && !inputPaused) {
      inputPaused = true;
      local.pauseInput();
    }
    pump();
  }

  /** The local socket's input ended: FIN after the data. */
  public void localEnded() {
    if (finished || send.finQueued()) {
      return;
    }
    send.queueFin();
    pump();
  }

  /** The local socket closed before the stream finished: the peer is told at once. */
  public void localClosed() {
    if (finished) {
      return;
    }
    if (outputEnded && send.finQueued()) {
      return; // both directions were closed in order: wait for our FIN's acknowledgement
    }
    reset(StreamReset.ABORTED);
  }

  /** The local socket's write queue drained: more can be delivered. */
  public void drained() {
    deliver();
    pump();
  }

  /** A frame from the peer. */
  public void onFrame(StreamFrame frame) {
    if (finished) {
      // Finished in order: the peer may have missed our last acknowledgement (of its FIN) and be
      // sending it again; answer while the owner keeps this endpoint (its linger).
      if (closedCleanly && frame.reliable() && carrier.canSendControl()) {
        control(StreamFrame.ACK);
      }
      return;
    }
    long now = clock.getAsLong();
    lastActivity = now;
    if (frame.type() == StreamFrame.RST) {
      finish(StreamReset.of(frame.payload()[0] & 0xFF).word(), StreamReset.of(frame.payload()[0]));
      if (local != null) {
        local.close();
      }
      return;
    }
    acknowledged(frame, now);
    if (frame.reliable()) {
      ReceiveBuffer.Verdict verdict = receive.accept(frame.seq(), frame.type(), frame.payload());
      ackOwed++;
      if (verdict != ReceiveBuffer.Verdict.NEW
          || frame.type() != StreamFrame.DATA
          || ackOwed >= ACK_EVERY
          || receive.held() > 0 && receive.peek() == null) {
        ackDueAt = now; // duplicate, out of order, past the window, or a FIN: at once
      } else if (ackOwed == 1) {
        ackDueAt = now + ACK_DELAY_MILLIS;
      }
      deliver();
    } else if (frame.type() == StreamFrame.PROBE) {
      ackOwed++;
      ackDueAt = now;
    }
    pump();
  }

  private void acknowledged(StreamFrame frame, long now) {
    if (frame.ackNext() > send.nextSeq()) {
      return; // acknowledges what was never sent: ignore its ack fields
    }
    peerAckNext = Math.max(peerAckNext, frame.ackNext());
    peerWindow = frame.window();
    List<SendQueue.Segment> acked = send.acknowledge(frame.ackNext(), frame.sacks());
    if (acked.isEmpty()) {
      return;
    }
    long newestSample = -1;
    for (SendQueue.Segment s : acked) {
      if (s.transmissions == 1) {
        newestSample = Math.max(newestSample, s.firstSentAt);
      }
      if (s.seq == 0 && s.type == StreamFrame.OPEN && !opened) {
        opened = true;
        listener.opened();
      }
    }
    if (newestSample >= 0) {
      rtt.sample(now - newestSample);
    }
    cwnd.acknowledged(acked.size());
    if (inputPaused && send.hasRoom() && local != null) {
      inputPaused = false;
      local.resumeInput();
    }
  }

  /** Writes in-order segments to the local socket while it takes them. */
  private void deliver() {
    if (local == null) {
      return;
    }
    ReceiveBuffer.Segment s;
    while (!outputEnded && (s = receive.peek()) != null) {
      if (s.type() == StreamFrame.FIN) {
        receive.taken();
        outputEnded = true;
        local.endOutput();
        break;
      }
      receive.taken();
      listener.bytes(false, s.payload().length);
      if (!local.write(Buffer.buffer(s.payload()))) {
        break; // the socket calls drained() when it wants more
      }
    }
    int window = receive.window();
    if (window - lastAdvertised >= Math.max(1, settings.maxWindowSegments() / 4)
        || (lastAdvertised == 0 && window > 0)) {
      ackOwed++;
      ackDueAt = clock.getAsLong(); // the window reopened: say so, the sender may be waiting
    }
  }

  /** Sends what is due: retransmissions, new segments, an owed acknowledgement. */
  public void pump() {
    if (finished) {
      return;
    }
    long now = clock.getAsLong();
    for (SendQueue.Segment s : send.inFlight()) {
      if (now - s.lastSentAt < timeout(s)) {
        continue;
      }
      int room = carrier.dataFrameRoom();
      if (room < 0 || room < StreamFrame.headerBytes(0) + s.payload.length) {
        break;
      }
      if (s.transmissions > settings.maxRetransmissions()) {
        reset(StreamReset.TIMEOUT);
        return;
      }
      cwnd.lost(s.seq, send.nextSeq());
      listener.retransmitted();
      transmit(s, now, room);
    }
    while (opened && send.hasNew() && send.inFlightCount() < cwnd.segments()) {
      if (send.nextSeq() >= peerAckNext + peerWindow) {
        probeIfStuck(now);
        break;
      }
      int room = carrier.dataFrameRoom();
      int header = StreamFrame.headerBytes(sacks().size());
      if (room - header < 1) {
        break;
      }
      SendQueue.Segment s = send.next(room - header);
      listener.bytes(true, s.payload.length);
      transmit(s, now, room);
    }
    if (ackOwed > 0 && now >= ackDueAt && carrier.canSendControl()) {
      control(StreamFrame.ACK);
    }
    if (send.allAcknowledged() && outputEnded && receive.peek() == null) {
      closedCleanly = true;
      finish("closed", null);
      local.close();
    }
  }

  private long timeout(SendQueue.Segment s) {
    long backoff = 1L << Math.min(6, Math.max(0, s.transmissions - 1));
    return Math.min(rtt.maxRtoMillis(), rtt.rtoMillis() * backoff) + s.leavesWithinMillis;
  }

  private void probeIfStuck(long now) {
    if (send.inFlightCount() == 0
        && now - lastProbeAt >= rtt.rtoMillis()
        && carrier.canSendControl()) {
      lastProbeAt = now;
      control(StreamFrame.PROBE);
    }
  }

  /** Sends a segment in a frame of at most {@code room} bytes (fewer SACK blocks if need be). */
  private void transmit(SendQueue.Segment s, long now, int room) {
    if (s.transmissions == 0) {
      s.firstSentAt = now;
    }
    s.transmissions++;
    s.lastSentAt = now;
    s.leavesWithinMillis = carrier.departureBoundMillis();
    List<int[]> sacks = sacks();
    int fit = (room - StreamFrame.headerBytes(0) - s.payload.length) / StreamFrame.SACK_BYTES;
    if (sacks.size() > fit) {
      sacks = sacks.subList(0, Math.max(0, fit));
    }
    lastAdvertised = receive.window();
    ackOwed = 0;
    carrier.emit(s.type, s.seq, s.payload, receive.next(), lastAdvertised, sacks);
  }

  private void control(int type) {
    lastAdvertised = receive.window();
    ackOwed = 0;
    carrier.emit(type, 0, new byte[0], receive.next(), lastAdvertised, sacks());
  }

  private List<int[]> sacks() {
    return receive.sacks(4);
  }

  /** Timers: retransmissions, delayed acknowledgements, probes, the idle timeout. */
  public void tick() {
    if (finished) {
      return;
    }
    if (clock.getAsLong() - lastActivity >= settings.idleTimeout().toMillis()) {
      reset(StreamReset.IDLE);
      return;
    }
    carrier.tick();
    pump();
  }

  /** Resets the stream: the peer is told (if a frame can leave), the local socket closed. */
  public void reset(StreamReset reason) {
    if (finished) {
      return;
    }
    if (carrier.canSendControl()) {
      carrier.emit(
          StreamFrame.RST, 0, new byte[] {(byte) reason.code()}, receive.next(), 0, List.of());
    }
    finish(reason.word(), reason);
    if (local != null) {
      local.close();
    }
  }

  private void finish(String outcome, StreamReset reset) {
    if (!finished) {
      finished = true;
      listener.finished(outcome, reset);
    }
  }

  public boolean finished() {
    return finished;
  }

  /** The congestion window, in segments. */
  public int congestionWindow() {
    return cwnd.segments();
  }

  /** Bytes held: unacknowledged or unsent, and received but not yet written. */
  public long sendBufferedBytes() {
    return send.bytes();
  }

  public long receiveBufferedBytes() {
    return receive.bytes();
  }

  public long rtoMillis() {
    return rtt.rtoMillis();
  }

  /** The smoothed round trip, or -1 before the first sample. */
  public long srttMillis() {
    return rtt.srttMillis();
  }
}
