package dev.betanet.router.stream;

import dev.betanet.protocol.topology.Topology;

/** Timing guesses a stream starts with, before it has measured its own round trip. */
public final class StreamTiming {

  private StreamTiming() {}

  /**
   * The first retransmission timeout: four times the mean round trip of the topology's mixing
   * delays (mix layers there and back), at least one second, so a first OPEN is not resent before
   * its answer could arrive.
   */
  public static long initialRtoMillis(Topology topology) {
    long meanRoundTrip = 2L * topology.layers().size() * topology.mixing().meanDelayMillis();
    return Math.max(1000, 4 * meanRoundTrip);
  }
}
