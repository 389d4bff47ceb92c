package dev.betanet.operator.canary;

import dev.betanet.operator.canary.StepWindows.Observed;
import dev.betanet.operator.canary.StepWindows.StepWindow;
import dev.betanet.operator.crd.AnalysisProvider;
import dev.betanet.operator.crd.MixnetCluster;
import java.time.Instant;

/**
 * Where a canary step's request counts come from ({@code spec.canary.analysis.provider}). Every
 * provider measures the same thing, the routers' mixnet requests since the step's window began, and
 * the same judge ({@code CanaryJudge}) decides on it, so a step passes or fails alike whoever
 * counted it.
 */
public interface RequestMetricsProvider {

  AnalysisProvider kind();

  /**
   * A window for the step at {@code weight} that came into force at {@code stepStartedAt},
   * beginning {@code now}.
   *
   * @param justObserved the measurement this reconcile already made (so nothing falls between two
   *     steps), or null
   */
  StepWindow open(
      MixnetCluster cluster, int weight, Instant stepStartedAt, Instant now, Observed justObserved);

  /** {@code window} measured up to {@code now}: never throws for a source that misbehaves. */
  Observed observe(MixnetCluster cluster, StepWindow window, Instant now);
}
