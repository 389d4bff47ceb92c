package dev.betanet.router.stream;

/**
 * The round-trip estimate of one stream (RFC 6298): a smoothed RTT and its variation, from samples
 * of segments sent once (Karn: a retransmitted segment's acknowledgement could answer either copy).
 * The retransmission timeout is {@code srtt + 4 * rttvar}, clamped. Mixnet round trips vary a lot
 * (each hop's delay is exponential), which the variation term absorbs: a timeout fires only well
 * past the usual spread, so reordering alone is not taken for loss.
 */
final class RttEstimator {

  private final long minRtoMillis;
  private final long maxRtoMillis;
  private double srtt = -1;
  private double rttvar;
  private long rto;

  RttEstimator(long initialRtoMillis, long minRtoMillis, long maxRtoMillis) {
    this.minRtoMillis = minRtoMillis;
    this.maxRtoMillis = maxRtoMillis;
    this.rto = clamp(initialRtoMillis);
  }

  void sample(long rttMillis) {
    double r = Math.max(1, rttMillis);
    if (srtt < 0) {
      srtt = r;
      rttvar = r / 2;
    } else {
      rttvar = 0.75 * rttvar + 0.25 * Math.abs(srtt - r);
      srtt = 0.875 * srtt + 0.125 * r;
    }
    rto = clamp((long) Math.ceil(srtt + 4 * rttvar));
  }

  /** The retransmission timeout in milliseconds. */
  long rtoMillis() {
    return rto;
  }

  /** The smoothed round trip, or -1 before the first sample. */
  long srttMillis() {
    return srtt < 0 ? -1 : Math.round(srtt);
  }

  long maxRtoMillis() {
    return maxRtoMillis;
  }

  private long clamp(long millis) {
    return Math.max(minRtoMillis, Math.min(maxRtoMillis, millis));
  }
}
