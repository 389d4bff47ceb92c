package dev.betanet.bench.mixnode;

import dev.betanet.protocol.crypto.X25519;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;

/**
 * The one-hop bound measured on the pinned node's own core in short passes taken between slices of
 * the node's work, so that each slice is judged against what its core did seconds before and after
 * it. The shared machine's speed drifts by ±10–15 % within minutes (docs/benchmarks.md), and a
 * bound measured once, half a minute away from the phase it judges, moved the ratio by as much as
 * any change to the node.
 *
 * <p>Each pass times {@value HopBound#PASS_PACKETS} packets (copies of the first ones given) with a
 * fresh replay filter on one harness thread pinned to the node's core while the node idles; their
 * timestamps are judged at the pass's creation, so a long run does not see them expire.
 */
final class InterleavedBound {

  private final BenchNetwork network;
  private final X25519 x25519;
  private final CorePinning pinning;
  private final byte[][] timed;
  // Stopped when the packets were about fresh: later passes may come after their two minutes.
  private final InstantSource builtAt = InstantSource.fixed(Instant.now());

  /** Copies the packets to time and runs one untimed pass, so the first timed one is compiled. */
  InterleavedBound(BenchNetwork network, X25519 x25519, byte[][] packets, CorePinning pinning) {
    this.network = network;
    this.x25519 = x25519;
    this.pinning = pinning;
    this.timed =
        Arrays.stream(packets, 0, Math.min(packets.length, HopBound.PASS_PACKETS))
            .map(byte[]::clone)
            .toArray(byte[][]::new);
    HopBound.timedPass(network, x25519, timed, builtAt);
  }

  /** One pass on the node's core: packets per CPU-second; the harness returns to its cores. */
  double pass() throws Exception {
    pinning.pinHarnessToNodeCore();
    try {
      return HopBound.timedPass(network, x25519, timed, builtAt);
    } finally {
      pinning.pinHarness();
    }
  }

  /**
   * Slices of the node's work, each between two passes of the bound ({@code passes} has one more
   * element than {@code nodePerCpuSecond}).
   *
   * @param nodePerCpuSecond packets per node CPU-second in each slice
   * @param passes the bound before the first slice, then after each
   */
  record Judged(double[] nodePerCpuSecond, double[] passes) {

    Judged {
      if (passes.length != nodePerCpuSecond.length + 1) {
        throw new IllegalArgumentException(
            "BUG: "
                + nodePerCpuSecond.length
                + " slices need "
                + (nodePerCpuSecond.length + 1)
                + " passes, got "
                + passes.length);
      }
    }

    /** Slice {@code i}'s rate over the mean of the passes either side of it. */
    double ratio(int i) {
      return nodePerCpuSecond[i] / ((passes[i] + passes[i + 1]) / 2);
    }

    double minRatio() {
      double min = Double.MAX_VALUE;
      for (int i = 0; i < nodePerCpuSecond.length; i++) {
        min = Math.min(min, ratio(i));
      }
      return min;
    }

    double maxRatio() {
      double max = 0;
      for (int i = 0; i < nodePerCpuSecond.length; i++) {
        max = Math.max(max, ratio(i));
      }
      return max;
    }

    double meanPass() {
      return Arrays.stream(passes).average().orElseThrow();
    }

    double minPass() {
      return Arrays.stream(passes).min().orElseThrow();
    }

    double maxPass() {
      return Arrays.stream(passes).max().orElseThrow();
    }
  }
}
