package dev.betanet.router.stream;

import dev.betanet.router.wire.StreamFrame;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * The sending half of a stream: bytes read from the local socket and not yet cut into segments, and
 * segments sent and not yet acknowledged. Together they hold at most {@code limitBytes} (the caller
 * pauses its socket beyond), plus the FIN. A segment is forgotten once acknowledged, cumulatively
 * or selectively: the receiver never drops a segment it stored, so a SACK is final.
 */
final class SendQueue {

  /** One segment in flight. */
  static final class Segment {
    final int seq;
    final int type;
    final byte[] payload;
    long firstSentAt;
    long lastSentAt;
    long leavesWithinMillis;
    int transmissions;

    Segment(int seq, int type, byte[] payload) {
      this.seq = seq;
      this.type = type;
      this.payload = payload;
    }
  }

  private final long limitBytes;
  private final ArrayDeque<Buffer> pending = new ArrayDeque<>();
  private final TreeMap<Integer, Segment> unacked = new TreeMap<>();
  private long pendingBytes;
  private long unackedBytes;
  private int nextSeq;
  private boolean finQueued;
  private boolean finSent;

  SendQueue(long limitBytes) {
    this.limitBytes = limitBytes;
  }

  /** Adds bytes from the local socket; false when the caller must pause it. */
  boolean offer(Buffer data) {
    if (data.length() > 0) {
      pending.add(data);
      pendingBytes += data.length();
    }
    return hasRoom();
  }

  boolean hasRoom() {
    return pendingBytes + unackedBytes < limitBytes;
  }

  void queueFin() {
    finQueued = true;
  }

  boolean finQueued() {
    return finQueued;
  }

  /** Whether a new segment (data, or the FIN once the data is out) is waiting to be sent. */
  boolean hasNew() {
    return pendingBytes > 0 || (finQueued && !finSent);
  }

  /**
   * Cuts the next new segment, data up to {@code maxPayload} bytes (or the FIN), and records it.
   */
  Segment next(int maxPayload) {
    Segment segment;
    if (pendingBytes > 0) {
      int n = (int) Math.min(maxPayload, pendingBytes);
      Buffer out = Buffer.buffer(n);
      while (out.length() < n) {
        Buffer head = pending.poll();
        int want = n - out.length();
        if (head.length() <= want) {
          out.appendBuffer(head);
        } else {
          out.appendBuffer(head, 0, want);
          pending.addFirst(head.getBuffer(want, head.length()));
        }
      }
      pendingBytes -= n;
      unackedBytes += n;
      segment = new Segment(nextSeq++, StreamFrame.DATA, out.getBytes());
    } else if (finQueued && !finSent) {
      finSent = true;
      segment = new Segment(nextSeq++, StreamFrame.FIN, new byte[0]);
    } else {
      throw new IllegalStateException("BUG: no new segment to cut");
    }
    unacked.put(segment.seq, segment);
    return segment;
  }

  /** Records a segment built by the caller (the OPEN), as the next sequence number. */
  Segment add(int type, byte[] payload) {
    Segment segment = new Segment(nextSeq++, type, payload);
    unacked.put(segment.seq, segment);
    unackedBytes += payload.length;
    return segment;
  }

  /** Forgets what {@code ackNext} and {@code sacks} acknowledge; returns those segments. */
  List<Segment> acknowledge(int ackNext, Collection<int[]> sacks) {
    List<Segment> acked = new ArrayList<>();
    while (!unacked.isEmpty() && unacked.firstKey() < ackNext) {
      acked.add(forget(unacked.pollFirstEntry().getValue()));
    }
    for (int[] range : sacks) {
      Iterator<Segment> it = unacked.subMap(range[0], true, range[1], true).values().iterator();
      while (it.hasNext()) {
        acked.add(forget(it.next()));
        it.remove();
      }
    }
    return acked;
  }

  private Segment forget(Segment s) {
    unackedBytes -= s.payload.length;
    return s;
  }

  Collection<Segment> inFlight() {
    return unacked.values();
  }

  int inFlightCount() {
    return unacked.size();
  }

  int nextSeq() {
    return nextSeq;
  }

  /** Whether the FIN was sent and everything up to it acknowledged. */
  boolean allAcknowledged() {
    return finSent && unacked.isEmpty();
  }

  long bytes() {
    return pendingBytes + unackedBytes;
  }
}
