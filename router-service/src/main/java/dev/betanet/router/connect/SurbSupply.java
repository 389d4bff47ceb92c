package dev.betanet.router.connect;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * How many SURBs an entry sends its exit for one stream, so the exit never waits a round trip for
 * one in steady state. The exit spends a SURB per frame back; each of its frames reports the SURBs
 * it still holds and the highest SURB mark it has seen (the entry stamps every packet with the
 * count of SURBs sent so far). So the entry knows the exit's stock as of that frame, and which
 * SURBs it sent since that the exit had not yet seen (in transit; a carrier not seen within two
 * timeouts counts as lost). The target is what the exit spends in two round trips at the rate its
 * frames arrive, plus a floor: the stock then lasts until the next SURBs arrive. Bounded above, so
 * an exit cannot make the entry build SURBs without end.
 */
final class SurbSupply {

  /** Past this age a report of the exit's stock is not trusted (its SURBs may have expired). */
  static final long STALE_REPORT_MILLIS = 60_000;

  private static final long RATE_INTERVAL_MILLIS = 250;

  private record Carrier(long markAfter, int count, long sentAt) {}

  private final int floor;
  private final int max;
  private final ArrayDeque<Carrier> inTransit = new ArrayDeque<>();
  private long sent;
  private long reportedMark = -1;
  private int reportedStock;
  private long reportedAt;
  private double repliesPerSecond;
  private long intervalStart;
  private int intervalReplies;

  SurbSupply(int floor, int max, long now) {
    this.floor = floor;
    this.max = max;
    this.intervalStart = now;
    this.reportedAt = now;
  }

  /** Records {@code count} SURBs leaving in one packet; returns the mark to stamp on it. */
  int sending(int count, long now) {
    sent += count;
    if (count > 0) {
      inTransit.add(new Carrier(sent, count, now));
    }
    return (int) Math.min(Integer.MAX_VALUE, sent);
  }

  /** A frame from the exit, with its stock and the highest mark it had seen. */
  void reported(int stock, int mark, long now) {
    intervalReplies++;
    if (mark >= reportedMark) {
      reportedMark = mark;
      reportedStock = stock;
      reportedAt = now;
    }
  }

  /** SURBs to send now so the exit holds its target; 0 or more. */
  int deficit(long now, long rtoMillis, long srttMillis) {
    rollRate(now);
    int transit = 0;
    for (Iterator<Carrier> it = inTransit.iterator(); it.hasNext(); ) {
      Carrier c = it.next();
      if (c.markAfter() <= reportedMark || now - c.sentAt() > 2 * rtoMillis) {
        it.remove(); // seen by the exit (counted in its stock), or lost
      } else {
        transit += c.count();
      }
    }
    int stock = now - reportedAt > STALE_REPORT_MILLIS ? 0 : reportedStock;
    return Math.max(0, target(srttMillis) - stock - transit);
  }

  int target(long srttMillis) {
    double roundTrip = Math.max(50, srttMillis) / 1000.0;
    long wanted = (long) Math.ceil(2 * repliesPerSecond * roundTrip) + floor;
    return (int) Math.min(max, wanted);
  }

  private void rollRate(long now) {
    long elapsed = now - intervalStart;
    if (elapsed >= RATE_INTERVAL_MILLIS) {
      double rate = intervalReplies * 1000.0 / elapsed;
      repliesPerSecond = Math.max(rate, 0.5 * repliesPerSecond + 0.5 * rate);
      intervalReplies = 0;
      intervalStart = now;
    }
  }
}
