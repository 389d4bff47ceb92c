package dev.betanet.operator.anonymity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.analysis.CanaryJudge;
import dev.betanet.operator.crd.AnonymityStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EntropyGateTest {

  private static final Instant SINCE = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void belowTheMinimumTheStepHoldsAndTheMessageNamesTheWeakestLayer() {
    AnonymityStatus low = AdaptiveCoverTest.weakest(0.84);
    low.layers.get(1).coverShare = 0.125;

    EntropyGate.Result result = EntropyGate.judge(low, 2.0);

    assertThat(result.passes()).isFalse();
    assertThat(result.reason()).isEqualTo(EntropyGate.BELOW);
    CanaryJudge.Verdict healthy =
        new CanaryJudge.Verdict(CanaryJudge.Decision.ADVANCE, "Healthy", "");
    assertThat(result.applyTo(healthy).decision()).isEqualTo(CanaryJudge.Decision.HOLD);
    assertThat(result.applyTo(healthy).reason()).isEqualTo(EntropyGate.BELOW);
    CanaryJudge.Verdict breach =
        new CanaryJudge.Verdict(CanaryJudge.Decision.ROLLBACK, "ErrorRateExceeded", "");
    assertThat(result.applyTo(breach)).as("a breach still rolls back").isEqualTo(breach);
    assertThat(result.message())
        .isEqualTo(
            "weakest layer 1: departure entropy 0.84 bits (mean pool 1.0 packets, 13% cover)"
                + " below minEntropyBits 2.00");
  }

  @Test
  void atTheMinimumItPassesAndTheWindowCountsFromWhenItGotThere() {
    AnonymityStatus high = AdaptiveCoverTest.weakest(2.0);
    high.atMinimumSince = SINCE.toString();

    EntropyGate.Result result = EntropyGate.judge(high, 2.0);

    assertThat(result.passes()).isTrue();
    assertThat(result.countsFrom()).isEqualTo(SINCE);
    CanaryJudge.Verdict held =
        new CanaryJudge.Verdict(CanaryJudge.Decision.HOLD, "InsufficientSamples", "");
    assertThat(result.applyTo(held)).isEqualTo(held);
    assertThat(result.reason()).isEqualTo(EntropyGate.AT_MINIMUM);
    assertThat(result.windowCountsFrom(SINCE.minusSeconds(60)))
        .as("a window that began below the minimum counts from when it got there")
        .isEqualTo(SINCE);
    assertThat(result.windowCountsFrom(SINCE.plusSeconds(60))).isEqualTo(SINCE.plusSeconds(60));
  }

  @Test
  void anUnmeasuredLayerHoldsUnlessTheGateIsOff() {
    AnonymityStatus unknown = new AnonymityStatus();

    assertThat(EntropyGate.judge(unknown, 2.0).passes()).isFalse();
    assertThat(EntropyGate.judge(unknown, 2.0).reason()).isEqualTo(EntropyGate.UNKNOWN);
    assertThat(EntropyGate.judge(null, 2.0).passes()).isFalse();
    EntropyGate.Result off = EntropyGate.judge(null, 0);
    assertThat(off.passes()).isTrue();
    assertThat(off.countsFrom()).isNull();
    assertThat(off.windowCountsFrom(SINCE)).isEqualTo(SINCE);
  }
}
