package dev.betanet.router.stream;

/**
 * How many segments one stream may have in flight: slow start (one more per segment acknowledged)
 * up to a threshold, then one more per window acknowledged; a loss halves it, once per window of
 * data (a loss of a segment sent before the last reduction does not reduce again). Capped by the
 * receive window every endpoint offers, so it never asks for more than a peer can hold.
 */
final class CongestionWindow {

  static final int MIN = 2;

  private final int max;
  private double cwnd;
  private double ssthresh;
  private int recoveryPoint = -1;

  CongestionWindow(int initial, int max) {
    this.max = max;
    this.cwnd = Math.min(initial, max);
    this.ssthresh = max;
  }

  int segments() {
    return (int) cwnd;
  }

  void acknowledged(int segments) {
    for (int i = 0; i < segments; i++) {
      cwnd += cwnd < ssthresh ? 1 : 1 / cwnd;
    }
    cwnd = Math.min(cwnd, max);
  }

  /**
   * A segment presumed lost.
   *
   * @param seq the lost segment
   * @param nextSeq the next sequence number to be sent: the end of the window in flight now
   * @return whether the window was reduced
   */
  boolean lost(int seq, int nextSeq) {
    if (seq < recoveryPoint) {
      return false;
    }
    ssthresh = Math.max(MIN, cwnd / 2);
    cwnd = ssthresh;
    recoveryPoint = nextSeq;
    return true;
  }
}
