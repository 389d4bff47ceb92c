package dev.betanet.operator.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.analysis.CanaryJudge.Decision;
import dev.betanet.operator.canary.CanaryProgression.Analysis;
import dev.betanet.operator.canary.CanaryProgression.Decided;
import dev.betanet.operator.canary.CanaryProgression.Kind;
import dev.betanet.operator.canary.CanaryProgression.NeedsAnalysis;
import dev.betanet.operator.canary.CanaryProgression.State;
import dev.betanet.operator.canary.CanaryProgression.Step;
import dev.betanet.operator.canary.CanaryProgression.Transition;
import dev.betanet.operator.crd.CanaryPhase;
import dev.betanet.operator.crd.CanarySpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanaryProgressionTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant T1 = T0.plusSeconds(60);
  private static final Analysis HEALTHY = new Analysis(Decision.ADVANCE, true);
  private static final Analysis HEALTHY_SO_FAR = new Analysis(Decision.ADVANCE, false);
  private static final Analysis TOO_FEW = new Analysis(Decision.HOLD, true);
  private static final Analysis BREACH = new Analysis(Decision.ROLLBACK, false);

  @Test
  void weightWithoutStepsAppliesAtOnce() {
    CanarySpec spec = spec(25);

    Decided decided = decided(CanaryProgression.next(State.settledAt(0), spec, 2, null, T0));

    assertThat(decided.state()).isEqualTo(new State(25, 25, CanaryPhase.PROMOTED, T0, 2));
    assertThat(decided.transitions()).containsExactly(new Transition(Kind.APPLIED, 0, 25));
    assertThat(decided(CanaryProgression.next(decided.state(), spec, 2, null, T1)).transitions())
        .as("nothing more to do")
        .isEmpty();
  }

  @Test
  void walksTheStepsOnlyWhenEachIsJudgedHealthyOverAFullWindow() {
    CanarySpec spec = spec(100, 10, 25, 50, 100);
    State state = State.settledAt(0);

    Decided started = decided(CanaryProgression.next(state, spec, 1, null, T0));
    assertThat(started.state()).isEqualTo(new State(10, 0, CanaryPhase.PROGRESSING, T0, 1));
    assertThat(started.transitions()).containsExactly(new Transition(Kind.STARTED, 0, 10));

    assertThat(CanaryProgression.next(started.state(), spec, 1, null, T0))
        .as("a step in force needs the routers' judgement")
        .isInstanceOf(NeedsAnalysis.class);
    assertThat(
            decided(CanaryProgression.next(started.state(), spec, 1, HEALTHY_SO_FAR, T0))
                .transitions())
        .as("healthy but the window is not over")
        .isEmpty();

    state = started.state();
    int[] expected = {25, 50, 100};
    for (int weight : expected) {
      Decided advanced = decided(CanaryProgression.next(state, spec, 1, HEALTHY, T1));
      assertThat(advanced.transitions())
          .containsExactly(new Transition(Kind.ADVANCED, state.currentWeight(), weight));
      assertThat(advanced.state().lastGoodWeight()).isEqualTo(state.currentWeight());
      assertThat(advanced.state().phase()).isEqualTo(CanaryPhase.PROGRESSING);
      state = advanced.state();
    }
    Decided done = decided(CanaryProgression.next(state, spec, 1, HEALTHY, T1));
    assertThat(done.state()).isEqualTo(new State(100, 100, CanaryPhase.PROMOTED, T1, 1));
    assertThat(done.transitions()).containsExactly(new Transition(Kind.COMPLETED, 100, 100));
  }

  @Test
  void stepsAtOrAboveTheTargetAreSkippedAndTheTargetIsTheLastStep() {
    CanarySpec spec = spec(40, 10, 25, 50, 100);
    State at25 = new State(25, 10, CanaryPhase.PROGRESSING, T0, 1);

    Decided next = decided(CanaryProgression.next(at25, spec, 1, HEALTHY, T1));

    assertThat(next.state().currentWeight()).isEqualTo(40);
    assertThat(CanaryProgression.walk(spec.steps, 40)).containsExactly(10, 25, 40);
    assertThat(CanaryProgression.walk(spec.steps, 0)).isEmpty();
  }

  @Test
  void tooFewSamplesHoldTheStep() {
    CanarySpec spec = spec(100, 10, 50);
    State at10 = new State(10, 0, CanaryPhase.PROGRESSING, T0, 1);

    Decided held = decided(CanaryProgression.next(at10, spec, 1, TOO_FEW, T1));

    assertThat(held.state()).isEqualTo(at10);
    assertThat(held.transitions()).isEmpty();
  }

  @Test
  void aBreachRollsBackToTheLastGoodWeightAndStaysUntilTheSpecChanges() {
    CanarySpec spec = spec(100, 10, 25, 50);
    State at25 = new State(25, 10, CanaryPhase.PROGRESSING, T0, 3);

    Decided rolledBack = decided(CanaryProgression.next(at25, spec, 3, BREACH, T1));
    assertThat(rolledBack.state()).isEqualTo(new State(10, 10, CanaryPhase.ROLLED_BACK, T1, 3));
    assertThat(rolledBack.transitions()).containsExactly(new Transition(Kind.ROLLED_BACK, 25, 10));

    Decided still = decided(CanaryProgression.next(rolledBack.state(), spec, 3, null, T1));
    assertThat(still.state()).isEqualTo(rolledBack.state());
    assertThat(still.transitions()).isEmpty();

    Decided rearmed = decided(CanaryProgression.next(rolledBack.state(), spec, 4, null, T1));
    assertThat(rearmed.transitions()).containsExactly(new Transition(Kind.STARTED, 10, 25));
    assertThat(rearmed.state().phase()).isEqualTo(CanaryPhase.PROGRESSING);
  }

  @Test
  void aBreachOnTheFirstStepReturnsToWhereTheWalkBegan() {
    CanarySpec spec = spec(100, 10, 50);
    State at10 = decided(CanaryProgression.next(State.settledAt(0), spec, 1, null, T0)).state();

    assertThat(decided(CanaryProgression.next(at10, spec, 1, BREACH, T1)).state().currentWeight())
        .isZero();
  }

  @Test
  void withoutAutoRollbackABreachHoldsTheStep() {
    CanarySpec spec = spec(100, 10, 50);
    spec.autoRollback = false;
    State at10 = new State(10, 0, CanaryPhase.PROGRESSING, T0, 1);

    Decided held = decided(CanaryProgression.next(at10, spec, 1, BREACH, T1));

    assertThat(held.state()).isEqualTo(at10);
    assertThat(held.transitions()).containsExactly(new Transition(Kind.BREACH_HELD, 10, 10));
  }

  @Test
  void pauseHoldsAndResumingObservesTheStepAfresh() {
    CanarySpec spec = spec(100, 10, 50);
    spec.paused = true;
    State at10 = new State(10, 0, CanaryPhase.PROGRESSING, T0, 1);

    Decided paused = decided(CanaryProgression.next(at10, spec, 2, HEALTHY, T1));
    assertThat(paused.state().phase()).isEqualTo(CanaryPhase.PAUSED);
    assertThat(paused.state().currentWeight()).isEqualTo(10);
    assertThat(paused.transitions()).containsExactly(new Transition(Kind.PAUSED, 10, 10));
    assertThat(
            decided(CanaryProgression.next(paused.state(), spec, 2, HEALTHY, T1.plusSeconds(600)))
                .state())
        .isEqualTo(paused.state());

    spec.paused = false;
    Instant later = T1.plusSeconds(900);
    Decided resumed = decided(CanaryProgression.next(paused.state(), spec, 3, null, later));
    assertThat(resumed.state()).isEqualTo(new State(10, 0, CanaryPhase.PROGRESSING, later, 3));
    assertThat(resumed.transitions()).containsExactly(new Transition(Kind.RESUMED, 10, 10));
  }

  @Test
  void promoteJumpsToTheTarget() {
    CanarySpec spec = spec(100, 10, 50);
    spec.promote = true;
    State at10 = new State(10, 0, CanaryPhase.PROGRESSING, T0, 1);

    Decided promoted = decided(CanaryProgression.next(at10, spec, 2, null, T1));

    assertThat(promoted.state()).isEqualTo(new State(100, 100, CanaryPhase.PROMOTED, T1, 2));
    assertThat(promoted.transitions()).containsExactly(new Transition(Kind.PROMOTED, 10, 100));
  }

  @Test
  void loweringAppliesAtOnceEvenWhenPausedOrRolledBack() {
    CanarySpec spec = spec(5, 10, 50);
    spec.paused = true;
    State rolledBack = new State(10, 10, CanaryPhase.ROLLED_BACK, T0, 1);

    Decided lowered = decided(CanaryProgression.next(rolledBack, spec, 1, null, T1));

    assertThat(lowered.state()).isEqualTo(new State(5, 5, CanaryPhase.PROMOTED, T1, 1));
    assertThat(lowered.transitions()).containsExactly(new Transition(Kind.LOWERED, 10, 5));
    spec.weight = 0;
    assertThat(decided(CanaryProgression.next(lowered.state(), spec, 2, null, T1)).state().phase())
        .isEqualTo(CanaryPhase.IDLE);
  }

  @Test
  void raisingTheTargetMidWalkKeepsTheStepInForce() {
    CanarySpec spec = spec(50, 10, 25, 50, 100);
    State at25 = new State(25, 10, CanaryPhase.PROGRESSING, T0, 1);
    spec.weight = 100;

    assertThat(CanaryProgression.next(at25, spec, 2, null, T1)).isInstanceOf(NeedsAnalysis.class);
    assertThat(decided(CanaryProgression.next(at25, spec, 2, HEALTHY, T1)).state().currentWeight())
        .isEqualTo(50);
  }

  private static CanarySpec spec(int weight, Integer... steps) {
    CanarySpec spec = new CanarySpec();
    spec.weight = weight;
    spec.steps = List.of(steps);
    return spec;
  }

  private static Decided decided(Step step) {
    assertThat(step).isInstanceOf(Decided.class);
    return (Decided) step;
  }
}
