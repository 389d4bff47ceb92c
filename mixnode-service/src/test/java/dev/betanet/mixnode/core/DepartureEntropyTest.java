package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The estimator on a seeded M/M/∞ trace — Poisson arrivals at rate λ, exponential delays of mean
 * 1/μ, exactly the pool Loopix analyses — driven by the trace's own clock.
 */
class DepartureEntropyTest {

  static final long SECOND = 1_000_000_000L;
  static final double LAMBDA = 200; // packets per second
  static final double MEAN_DELAY_SECONDS = 0.05; // 1/μ
  static final long END = 120 * SECOND + SECOND / 2; // mid-bucket: the window has a partial end

  record Packet(long arrival, long departure) {}

  @Test
  void meanPoolIsLambdaOverMuAndEntropyMatchesTheTraceComputedOffline() {
    List<Packet> trace = poissonTrace(new SplittableRandom(20_251_201));
    var estimator = new DepartureEntropy(SECOND, 60);
    drive(estimator, trace);

    // Little's law for M/M/∞: the time-averaged pool holds λ/μ = 10 packets. Over a 60 s window
    // with relaxation time 1/μ = 50 ms there are about 60 / (2 · 0.05) = 600 independent looks at
    // a Poisson(10) pool, so the standard error is √10 / √600 ≈ 0.13: allow ±0.5 (about 4 se).
    double rho = LAMBDA * MEAN_DELAY_SECONDS;
    assertThat(estimator.meanPoolPackets(END)).isCloseTo(rho, within(0.5));

    // Offline, from the same trace, by brute force: every departure in the window, log2 of the
    // packets present at that instant (itself included); and the exact time average of the pool.
    long windowStart = estimator.windowStartNanos(END);
    long longestDelay = trace.stream().mapToLong(p -> p.departure() - p.arrival()).max().orElse(0);
    double bits = 0;
    int departures = 0;
    for (Packet leaving : trace) {
      long t = leaving.departure();
      if (t < windowStart || t > END) {
        continue;
      }
      // The trace is in arrival order; only packets that arrived within the longest delay of t
      // can still be present at t.
      long present = 0;
      for (int j = firstArrivalAtOrAfter(trace, t - longestDelay); j < trace.size(); j++) {
        Packet p = trace.get(j);
        if (p.arrival() > t) {
          break;
        }
        if (p.departure() >= t) {
          present++;
        }
      }
      bits += Math.log(present) / Math.log(2);
      departures++;
    }
    double offlineEntropy = bits / departures;
    assertThat(estimator.departuresInWindow(END)).isEqualTo(departures);
    // Same arithmetic in another order: equal up to floating-point summation, 1e-9 bits.
    assertThat(estimator.entropyBits(END)).isCloseTo(offlineEntropy, within(1e-9));
    assertThat(estimator.meanPoolPackets(END))
        .isCloseTo(offlineMeanPool(trace, windowStart), within(1e-9));

    // And against the theory of docs/anonymity.md: a departure sees itself plus a Poisson(λ/μ)
    // pool, so E[H] = Σ_k P(k) log2(1 + k) ≈ 3.395 bits for λ/μ = 10. Its standard error over
    // ~12,000 departures, correlated over ~20 of them, is about 0.02 bits: allow ±0.1.
    assertThat(estimator.entropyBits(END)).isCloseTo(expectedEntropy(rho), within(0.1));
  }

  @Test
  void aPacketForwardedWithoutDelayIsADepartureWithNothingToHideIn() {
    var estimator = new DepartureEntropy(SECOND, 60);
    estimator.arrived(0);
    estimator.arrived(1);
    estimator.arrived(2);
    estimator.arrived(3);
    estimator.departed(10, 4); // from pools of 4, 3, 2, 1: 2 + 1.585 + 1 + 0 bits
    estimator.forwardedUnheld(11, 1); // 0 bits
    double expected = (2 + Math.log(3) / Math.log(2) + 1 + 0 + 0) / 5;
    assertThat(estimator.entropyBits(12)).isCloseTo(expected, within(1e-12));
    // A minute later every bucket has left the window.
    assertThat(estimator.entropyBits(12 + 61 * SECOND)).isZero();
    assertThat(estimator.departuresInWindow(12 + 61 * SECOND)).isZero();
  }

  private static List<Packet> poissonTrace(SplittableRandom random) {
    List<Packet> trace = new ArrayList<>();
    double t = 0;
    while (true) {
      t += -Math.log1p(-random.nextDouble()) / LAMBDA;
      long arrival = (long) (t * SECOND);
      if (arrival > END) {
        return trace;
      }
      long delay = (long) (-Math.log1p(-random.nextDouble()) * MEAN_DELAY_SECONDS * SECOND);
      trace.add(new Packet(arrival, arrival + Math.max(1, delay)));
    }
  }

  /** Feeds arrivals and departures to the estimator in time order, each at its own instant. */
  private static void drive(DepartureEntropy estimator, List<Packet> trace) {
    long[][] events = new long[trace.size() * 2][];
    int i = 0;
    for (Packet p : trace) {
      events[i++] = new long[] {p.arrival(), 1};
      events[i++] = new long[] {p.departure(), -1};
    }
    // At one instant arrivals first, so a packet is present when it leaves.
    Arrays.sort(
        events, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(b[1], a[1]));
    for (long[] event : events) {
      if (event[0] > END) {
        break;
      }
      if (event[1] > 0) {
        estimator.arrived(event[0]);
      } else {
        estimator.departed(event[0], 1);
      }
    }
  }

  private static int firstArrivalAtOrAfter(List<Packet> trace, long t) {
    int lo = 0;
    int hi = trace.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (trace.get(mid).arrival() < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static double offlineMeanPool(List<Packet> trace, long windowStart) {
    double held = 0;
    for (Packet p : trace) {
      long from = Math.max(p.arrival(), windowStart);
      long to = Math.min(p.departure(), END);
      if (to > from) {
        held += to - from;
      }
    }
    return held / (END - windowStart);
  }

  private static double expectedEntropy(double rho) {
    double sum = 0;
    double p = Math.exp(-rho);
    for (int k = 0; k < 200; k++) {
      sum += p * Math.log(1 + k) / Math.log(2);
      p *= rho / (k + 1);
    }
    return sum;
  }
}
