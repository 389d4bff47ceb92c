package dev.betanet.operator.canary;

import dev.betanet.operator.analysis.CanaryJudge.Decision;
import dev.betanet.operator.crd.CanaryPhase;
import dev.betanet.operator.crd.CanarySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The canary's state machine, as plain logic: from where the canary stands, the spec, and (when a
 * step is being observed) the judgement of the routers' metrics, where it goes next.
 *
 * <ul>
 *   <li>Lowering the weight applies at once, always: moving flows off the mixnet needs no evidence.
 *   <li>After a rollback nothing moves until the spec changes (a new generation).
 *   <li>{@code promote} applies the desired weight at once; so does a spec without steps.
 *   <li>{@code paused} holds the weight; resuming restarts the current step's observation.
 *   <li>Otherwise the weight walks the spec's steps below the desired weight, then the desired
 *       weight itself. Entering a step needs nothing; leaving it needs a full window of healthy
 *       metrics. A breach returns to the last good weight (or holds, without autoRollback).
 * </ul>
 */
public final class CanaryProgression {

  /**
   * Where the canary stands; persisted in {@code status.canary}.
   *
   * @param lastGoodWeight where a rollback returns: the last step judged healthy, or the settled
   *     weight the rollout began from
   * @param stepStartedAt when the current weight came into force (for a step: when its observation
   *     began); null before the progression first moved it
   * @param generation the spec generation last acted on; -1 when none
   */
  public record State(
      int currentWeight,
      int lastGoodWeight,
      CanaryPhase phase,
      Instant stepStartedAt,
      long generation) {

    /** A cluster never seen by the progression, running at {@code weight}. */
    public static State settledAt(int weight) {
      return new State(weight, weight, settledPhase(weight), null, -1);
    }
  }

  /**
   * The judgement of the step being observed.
   *
   * @param windowComplete the window has lasted a full {@code stepInterval}
   */
  public record Analysis(Decision decision, boolean windowComplete) {}

  /** What the progression did, for events. */
  public enum Kind {
    /** A walk began: the first step above a settled weight. */
    STARTED,
    /** A step was judged healthy; the next one is in force. */
    ADVANCED,
    /** The last step (the desired weight) was judged healthy. */
    COMPLETED,
    /** {@code spec.canary.promote}: the desired weight at once. */
    PROMOTED,
    /** No steps: the desired weight at once. */
    APPLIED,
    /** The desired weight is below the current one: applied at once. */
    LOWERED,
    ROLLED_BACK,
    /** A breach without autoRollback: the step is held. */
    BREACH_HELD,
    PAUSED,
    RESUMED
  }

  public record Transition(Kind kind, int fromWeight, int toWeight) {}

  /** The outcome of one evaluation. */
  public sealed interface Step permits NeedsAnalysis, Decided {}

  /** A step is being observed: call again with the routers' judgement. */
  public record NeedsAnalysis() implements Step {}

  public record Decided(State state, List<Transition> transitions) implements Step {}

  private CanaryProgression() {}

  /**
   * @param analysis the judgement of the step in force; null when none was made (the answer is then
   *     {@link NeedsAnalysis} if one is needed)
   */
  public static Step next(
      State previous, CanarySpec spec, long generation, Analysis analysis, Instant now) {
    int target = spec.weight;
    int current = previous.currentWeight();
    CanaryPhase phase = previous.phase();
    boolean specChanged = previous.generation() != generation;

    if (target < current) {
      return settle(previous, target, generation, now, Kind.LOWERED);
    }
    if (phase == CanaryPhase.ROLLED_BACK && !specChanged) {
      return unchanged(previous, generation);
    }
    if (spec.promote) {
      return settle(previous, target, generation, now, Kind.PROMOTED);
    }
    if (spec.paused) {
      if (phase == CanaryPhase.PAUSED) {
        return unchanged(previous, generation);
      }
      return decided(
          new State(current, previous.lastGoodWeight(), CanaryPhase.PAUSED, now, generation),
          new Transition(Kind.PAUSED, current, current));
    }
    if (spec.steps.isEmpty()) {
      return settle(previous, target, generation, now, Kind.APPLIED);
    }
    if (phase == CanaryPhase.PAUSED && current > previous.lastGoodWeight()) {
      // Paused in the middle of a step: observe it afresh, a full window of unpaused time.
      return decided(
          new State(current, previous.lastGoodWeight(), CanaryPhase.PROGRESSING, now, generation),
          new Transition(Kind.RESUMED, current, current));
    }
    if (phase != CanaryPhase.PROGRESSING) {
      if (target == current) {
        return settle(previous, target, generation, now, Kind.APPLIED);
      }
      int first = nextStep(current, target, spec.steps);
      return decided(
          new State(first, current, CanaryPhase.PROGRESSING, now, generation),
          new Transition(Kind.STARTED, current, first));
    }
    if (analysis == null) {
      return new NeedsAnalysis();
    }
    return switch (analysis.decision()) {
      case HOLD -> unchanged(previous, generation);
      case ROLLBACK -> {
        if (!spec.autoRollback) {
          yield new Decided(
              withGeneration(previous, generation),
              List.of(new Transition(Kind.BREACH_HELD, current, current)));
        }
        int good = previous.lastGoodWeight();
        yield decided(
            new State(good, good, CanaryPhase.ROLLED_BACK, now, generation),
            new Transition(Kind.ROLLED_BACK, current, good));
      }
      case ADVANCE -> {
        if (!analysis.windowComplete()) {
          yield unchanged(previous, generation);
        }
        if (current >= target) {
          yield decided(
              new State(current, current, settledPhase(current), now, generation),
              new Transition(Kind.COMPLETED, current, current));
        }
        int following = nextStep(current, target, spec.steps);
        yield decided(
            new State(following, current, CanaryPhase.PROGRESSING, now, generation),
            new Transition(Kind.ADVANCED, current, following));
      }
    };
  }

  /**
   * The weights a walk to {@code target} passes through: the steps below it, then itself; empty for
   * target 0.
   */
  public static List<Integer> walk(List<Integer> steps, int target) {
    List<Integer> walk = new ArrayList<>();
    for (int step : steps) {
      if (step < target) {
        walk.add(step);
      }
    }
    if (target > 0) {
      walk.add(target);
    }
    return walk;
  }

  /** The first step above {@code current} and below {@code target}, else {@code target}. */
  static int nextStep(int current, int target, List<Integer> steps) {
    for (int step : steps) {
      if (step > current && step < target) {
        return step;
      }
    }
    return target;
  }

  private static CanaryPhase settledPhase(int weight) {
    return weight == 0 ? CanaryPhase.IDLE : CanaryPhase.PROMOTED;
  }

  /** Puts {@code weight} in force as settled; a transition only if something changed. */
  private static Decided settle(
      State previous, int weight, long generation, Instant now, Kind kind) {
    CanaryPhase phase = settledPhase(weight);
    if (previous.currentWeight() == weight && previous.phase() == phase) {
      return unchanged(previous, generation);
    }
    boolean sameWeight = previous.currentWeight() == weight;
    Kind what = sameWeight && previous.phase() == CanaryPhase.PAUSED ? Kind.RESUMED : kind;
    return decided(
        new State(weight, weight, phase, sameWeight ? previous.stepStartedAt() : now, generation),
        new Transition(what, previous.currentWeight(), weight));
  }

  private static Decided unchanged(State previous, long generation) {
    return new Decided(withGeneration(previous, generation), List.of());
  }

  private static State withGeneration(State state, long generation) {
    return new State(
        state.currentWeight(),
        state.lastGoodWeight(),
        state.phase(),
        state.stepStartedAt(),
        generation);
  }

  private static Decided decided(State state, Transition transition) {
    return new Decided(state, List.of(transition));
  }
}
