package dev.betanet.operator.crd;

/**
 * Where the canary progression stands. It is also the progression's memory: the operator resumes
 * from it after a restart.
 */
public class CanaryStatus {

  /** {@code spec.canary.weight}: where the progression is headed. */
  public int desiredWeight;

  /** The weight in the published topology: what routers apply now. */
  public int currentWeight;

  /** The weight a rollback returns to: the last step judged healthy, or where the rollout began. */
  public int lastGoodWeight;

  public CanaryPhase phase = CanaryPhase.IDLE;

  /** Steps of the walk to {@link #desiredWeight} at or below {@link #currentWeight}. */
  public int currentStep;

  /** Steps of the walk to {@link #desiredWeight}: the spec's steps below it, and itself. */
  public int totalSteps;

  /** When the current step began (RFC 3339); its analysis window starts then. */
  public String stepStartedAt;

  /** The spec generation the progression last acted on; a rollback holds until it changes. */
  public Long observedGeneration;

  /** What the progression is doing, for people. */
  public String message;

  /** The newest judgement of router metrics. */
  public CanaryAnalysisStatus lastAnalysis;

  /**
   * The analysis window of the step in force (while {@code Progressing}): its start and each
   * router's counters, so a restarted operator or a new leader judges the step on from there.
   */
  public CanaryWindowStatus window;
}
