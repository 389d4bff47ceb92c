package dev.betanet.router.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RttEstimatorTest {

  /** A mixnet round trip: six exponential per-hop delays of mean {@code meanMillis}, summed. */
  private static long roundTrip(SplittableRandom random, double meanMillis) {
    double sum = 0;
    for (int hop = 0; hop < 6; hop++) {
      sum += -meanMillis * Math.log(1 - random.nextDouble());
    }
    return Math.round(sum);
  }

  @Test
  void segmentsStillOnTheirWayAlmostNeverTimeOutOnAMixnetsRoundTrips() {
    SplittableRandom random = new SplittableRandom(6);
    RttEstimator rtt = new RttEstimator(1000, 400, 10_000);
    int spurious = 0;
    int segments = 200_000;
    for (int i = 0; i < segments; i++) {
      long sample = roundTrip(random, 50);
      // A segment sent now whose round trip is this long times out first if the RTO is shorter.
      if (i >= 100 && sample > rtt.rtoMillis()) {
        spurious++;
      }
      rtt.sample(sample);
    }

    // srtt + 4 * rttvar alone times out 1.6 % of them here (3,192 segments).
    assertThat(spurious).as("segments timed out while on their way").isLessThan(segments / 1000);
  }

  @Test
  void theTimeoutFollowsTheRoundTripDownAfterAnOutlierLeavesTheRecentSamples() {
    RttEstimator rtt = new RttEstimator(1000, 100, 10_000);
    rtt.sample(3000);
    assertThat(rtt.rtoMillis()).isGreaterThanOrEqualTo(4500);

    for (int i = 0; i < RttEstimator.RECENT; i++) {
      rtt.sample(200);
    }

    assertThat(rtt.rtoMillis()).isBetween(300L, 400L);
  }
}
