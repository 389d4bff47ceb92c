package dev.betanet.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.analysis.CanaryJudge;
import dev.betanet.operator.analysis.Window;
import dev.betanet.operator.canary.CanaryProgression.State;
import dev.betanet.operator.canary.StepWindows;
import dev.betanet.operator.crd.CanaryAnalysisStatus;
import dev.betanet.operator.crd.CanaryPhase;
import dev.betanet.operator.crd.CanarySpec;
import dev.betanet.operator.crd.CanaryStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CanaryReportTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  @Test
  void statusCountsTheStepsOfTheWalk() {
    CanarySpec spec = new CanarySpec();
    spec.weight = 40;
    spec.steps = List.of(10, 25, 50, 100);

    CanaryStatus status =
        CanaryReport.status(new State(25, 10, CanaryPhase.PROGRESSING, T0, 3), spec, null, "m");

    assertThat(status.desiredWeight).isEqualTo(40);
    assertThat(status.currentWeight).isEqualTo(25);
    assertThat(status.currentStep).isEqualTo(2);
    assertThat(status.totalSteps).as("10, 25, then 40").isEqualTo(3);
    assertThat(status.stepStartedAt).isEqualTo("2025-01-01T00:00:00Z");
    assertThat(status.observedGeneration).isEqualTo(3);
  }

  @Test
  void analysisKeepsTheNumbersAndBoundsUnreachableReasons() {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    buckets.put(0.1, 90.0);
    buckets.put(Double.POSITIVE_INFINITY, 100.0);
    StepWindows.Observation observed =
        new StepWindows.Observation(
            new Window(95, 5, buckets),
            Window.EMPTY,
            1,
            2,
            List.of("r-1-0: " + "x".repeat(1000)),
            T0,
            null);

    CanaryAnalysisStatus analysis =
        CanaryReport.analysis(
            25,
            observed,
            new CanaryJudge.Verdict(CanaryJudge.Decision.HOLD, "RouterUnreachable", "1 of 2"),
            T0.plusSeconds(30));

    assertThat(analysis.mixnet.samples).isEqualTo(100);
    assertThat(analysis.mixnet.errorRate).isEqualTo(0.05);
    // Rank 95 lies in the open +Inf bucket: reported as its lower, largest finite bound.
    assertThat(analysis.mixnet.p95Seconds).isEqualTo(0.1);
    assertThat(analysis.fallback.p95Seconds).as("no latencies: absent, not NaN").isNull();
    assertThat(analysis.unreachable.getFirst()).hasSizeLessThan(210);
    assertThat(analysis.windowStartedAt).isEqualTo("2025-01-01T00:00:00Z");
  }

  @Test
  void healthFollowsTheAnalysisOfTheWeightInForce() {
    CanaryStatus status = status(CanaryPhase.PROGRESSING, 25, analysis(25, "Healthy"));
    assertThat(healthy(status)).extracting(Condition::getStatus).isEqualTo("True");
    assertThat(progressing(status))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", "StepInProgress");

    status = status(CanaryPhase.PROGRESSING, 25, analysis(25, "InsufficientSamples"));
    assertThat(healthy(status)).extracting(Condition::getStatus).isEqualTo("Unknown");

    status = status(CanaryPhase.PROGRESSING, 50, analysis(25, "Healthy"));
    assertThat(healthy(status))
        .as("the new step has not been judged yet")
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("Unknown", "NotAnalyzed");

    status = status(CanaryPhase.ROLLED_BACK, 10, analysis(25, "ErrorRateExceeded"));
    assertThat(healthy(status))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "ErrorRateExceeded");
    assertThat(progressing(status))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "RolledBack");
  }

  private static CanaryStatus status(CanaryPhase phase, int weight, CanaryAnalysisStatus last) {
    CanaryStatus status = new CanaryStatus();
    status.phase = phase;
    status.currentWeight = weight;
    status.lastAnalysis = last;
    status.message = "m";
    return status;
  }

  private static CanaryAnalysisStatus analysis(int weight, String reason) {
    CanaryAnalysisStatus analysis = new CanaryAnalysisStatus();
    analysis.weight = weight;
    analysis.reason = reason;
    analysis.message = "numbers";
    return analysis;
  }

  private static Condition healthy(CanaryStatus status) {
    return find(status, CanaryReport.CANARY_HEALTHY);
  }

  private static Condition progressing(CanaryStatus status) {
    return find(status, CanaryReport.CANARY_PROGRESSING);
  }

  private static Condition find(CanaryStatus status, String type) {
    return Conditions.find(CanaryReport.conditions(List.of(), status, 1, T0), type).orElseThrow();
  }
}
