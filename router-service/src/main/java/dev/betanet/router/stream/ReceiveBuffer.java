package dev.betanet.router.stream;

import dev.betanet.router.wire.StreamFrame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The receiving half of a stream: segments that arrived out of order, and in-order ones the local
 * socket has not taken yet, together never more than {@code capacity} segments. The window offered
 * to the sender is the room left, counted from the next segment expected, so a slow local reader
 * closes it and the sender stops: nothing here grows past the capacity.
 */
final class ReceiveBuffer {

  /** A reliable segment held for the local socket. */
  record Segment(int type, byte[] payload) {}

  enum Verdict {
    NEW,
    DUPLICATE,
    OUTSIDE_WINDOW
  }

  private final int capacity;
  private final TreeMap<Integer, Segment> outOfOrder = new TreeMap<>();
  private final ArrayDeque<Segment> ready = new ArrayDeque<>();
  private int next;
  private long bytes;
  private boolean finReceived;

  ReceiveBuffer(int capacity, int firstSeq) {
    this.capacity = capacity;
    this.next = firstSeq;
  }

  Verdict accept(int seq, int type, byte[] payload) {
    if (seq < next || outOfOrder.containsKey(seq)) {
      return Verdict.DUPLICATE;
    }
    if (seq >= next + window() || (finReceived && type != StreamFrame.FIN)) {
      return Verdict.OUTSIDE_WINDOW;
    }
    outOfOrder.put(seq, new Segment(type, payload));
    bytes += payload.length;
    while (!outOfOrder.isEmpty() && outOfOrder.firstKey() == next) {
      Segment s = outOfOrder.pollFirstEntry().getValue();
      ready.add(s);
      next++;
      if (s.type() == StreamFrame.FIN) {
        finReceived = true;
      }
    }
    return Verdict.NEW;
  }

  /** The next in-order segment for the local socket, or null. */
  Segment peek() {
    return ready.peek();
  }

  void taken() {
    Segment s = ready.poll();
    if (s != null) {
      bytes -= s.payload().length;
    }
  }

  /** The next sequence number expected: everything before it arrived. */
  int next() {
    return next;
  }

  /** Segments the sender may send beyond {@link #next()}. */
  int window() {
    return capacity - ready.size();
  }

  /** Payload bytes held (out of order or waiting for the local socket). */
  long bytes() {
    return bytes;
  }

  int held() {
    return ready.size() + outOfOrder.size();
  }

  /** Whether the FIN arrived and every segment before it is in order. */
  boolean finReceived() {
    return finReceived;
  }

  /** Ranges received beyond {@link #next()}, lowest first, at most {@code max}. */
  List<int[]> sacks(int max) {
    List<int[]> ranges = new ArrayList<>();
    int[] current = null;
    for (Map.Entry<Integer, Segment> e : outOfOrder.entrySet()) {
      int seq = e.getKey();
      if (current != null && seq == current[1] + 1) {
        current[1] = seq;
        continue;
      }
      if (ranges.size() == max) {
        break;
      }
      current = new int[] {seq, seq};
      ranges.add(current);
    }
    return ranges;
  }
}
