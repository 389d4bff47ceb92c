package dev.betanet.operator.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.analysis.CanaryJudge.Decision;
import dev.betanet.operator.analysis.CanaryJudge.Thresholds;
import dev.betanet.operator.analysis.CanaryJudge.Verdict;
import java.time.Duration;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CanaryJudgeTest {

  private final CanaryJudge judge =
      new CanaryJudge(new Thresholds(0.05, Duration.ofMillis(500), 50));

  @Test
  void advancesAHealthyStep() {
    Verdict verdict = judge.judge(window(98, 2, 0.2), 2);

    assertThat(verdict.decision()).isEqualTo(Decision.ADVANCE);
    assertThat(verdict.reason()).isEqualTo("Healthy");
    assertThat(verdict.message()).contains("2.00%").contains("100 requests");
  }

  @Test
  void holdsAStepWithTooFewSamples() {
    Verdict verdict = judge.judge(window(20, 0, 0.2), 2);

    assertThat(verdict.decision()).isEqualTo(Decision.HOLD);
    assertThat(verdict.reason()).isEqualTo("InsufficientSamples");
    assertThat(verdict.message()).isEqualTo("20 of 50 mixnet requests needed for this step");
  }

  @Test
  void rollsBackWhenTheErrorRateIsBreached() {
    Verdict verdict = judge.judge(window(90, 10, 0.2), 2);

    assertThat(verdict.decision()).isEqualTo(Decision.ROLLBACK);
    assertThat(verdict.reason()).isEqualTo("ErrorRateExceeded");
    assertThat(verdict.message())
        .isEqualTo("mixnet error rate 10.00% (10 failed of 100) above 5.00%");
  }

  @Test
  void rollsBackWithoutWaitingWhenFailuresAlreadyDecide() {
    // 3 failures exceed 5% of 50 even if the next 47 requests all succeed.
    Verdict verdict = judge.judge(window(0, 3, 0.2), 1);

    assertThat(verdict.decision()).isEqualTo(Decision.ROLLBACK);
    assertThat(verdict.reason()).isEqualTo("ErrorRateExceeded");
  }

  @Test
  void rollsBackWhenTheP95IsBreached() {
    Verdict verdict = judge.judge(window(100, 0, 2.0), 2);

    assertThat(verdict.decision()).isEqualTo(Decision.ROLLBACK);
    assertThat(verdict.reason()).isEqualTo("LatencyExceeded");
    // All 100 requests lie in the (1 s, 2 s] bucket: rank 95 interpolates to 1.95 s.
    assertThat(verdict.message())
        .isEqualTo("mixnet p95 latency 1.950 s above 0.500 s over 100 requests");
  }

  @Test
  void holdsWhenNoRouterAnswered() {
    Verdict verdict = judge.judge(Window.EMPTY, 0);

    assertThat(verdict.decision()).isEqualTo(Decision.HOLD);
    assertThat(verdict.reason()).isEqualTo("NoMetrics");
  }

  /** A window whose requests all took {@code seconds}. */
  private static Window window(double ok, double errors, double seconds) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    buckets.put(seconds / 2, 0.0);
    buckets.put(seconds, ok + errors);
    buckets.put(Double.POSITIVE_INFINITY, ok + errors);
    return new Window(ok, errors, buckets);
  }
}
