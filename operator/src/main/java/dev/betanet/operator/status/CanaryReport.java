package dev.betanet.operator.status;

import dev.betanet.operator.analysis.CanaryJudge;
import dev.betanet.operator.analysis.RequestStats;
import dev.betanet.operator.canary.CanaryProgression;
import dev.betanet.operator.canary.StepWindows;
import dev.betanet.operator.crd.CanaryAnalysisStatus;
import dev.betanet.operator.crd.CanaryPhase;
import dev.betanet.operator.crd.CanarySpec;
import dev.betanet.operator.crd.CanaryStatus;
import dev.betanet.operator.crd.TransportAnalysis;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Builds {@code status.canary} and the canary conditions from the progression. Plain Java. */
public final class CanaryReport {

  public static final String CANARY_HEALTHY = "CanaryHealthy";
  public static final String CANARY_PROGRESSING = "CanaryProgressing";

  /** The judge's reasons that mean a limit was breached. */
  public static final Set<String> BREACHES = Set.of("ErrorRateExceeded", "LatencyExceeded");

  /** Longest reason kept per unreachable router: error texts can be long. */
  private static final int MAX_REASON = 200;

  private CanaryReport() {}

  /** The record of one judgement of {@code weight}. */
  public static CanaryAnalysisStatus analysis(
      int weight, StepWindows.Observation observed, CanaryJudge.Verdict verdict, Instant now) {
    CanaryAnalysisStatus analysis = new CanaryAnalysisStatus();
    analysis.time = now.toString();
    analysis.weight = weight;
    analysis.reason = verdict.reason();
    analysis.message = verdict.message();
    analysis.windowStartedAt = observed.startedAt().toString();
    analysis.routersAnswered = observed.answered();
    analysis.routersTotal = observed.total();
    analysis.unreachable =
        observed.unreachable().stream()
            .map(u -> u.length() > MAX_REASON ? u.substring(0, MAX_REASON) + "…" : u)
            .toList();
    // A window the provider could not measure has no counts: absent, not zero.
    boolean measured = observed.unavailable() == null;
    analysis.mixnet = measured ? transport(observed.mixnet()) : null;
    analysis.fallback =
        measured && observed.fallback() != null ? transport(observed.fallback()) : null;
    return analysis;
  }

  /** {@code status.canary} for {@code state}. */
  public static CanaryStatus status(
      CanaryProgression.State state,
      CanarySpec spec,
      CanaryAnalysisStatus lastAnalysis,
      String message) {
    CanaryStatus status = new CanaryStatus();
    status.desiredWeight = spec.weight;
    status.currentWeight = state.currentWeight();
    status.lastGoodWeight = state.lastGoodWeight();
    status.phase = state.phase();
    List<Integer> walk =
        spec.promote || spec.steps.isEmpty()
            ? CanaryProgression.walk(List.of(), spec.weight)
            : CanaryProgression.walk(spec.steps, spec.weight);
    status.totalSteps = walk.size();
    status.currentStep = (int) walk.stream().filter(w -> w <= state.currentWeight()).count();
    status.stepStartedAt = state.stepStartedAt() == null ? null : state.stepStartedAt().toString();
    status.observedGeneration = state.generation();
    status.message = message;
    status.lastAnalysis = lastAnalysis;
    return status;
  }

  /** {@code conditions} with CanaryHealthy and CanaryProgressing set from {@code canary}. */
  public static List<Condition> conditions(
      List<Condition> conditions, CanaryStatus canary, long generation, Instant now) {
    CanaryAnalysisStatus analysis = canary.lastAnalysis;
    String healthy;
    String reason;
    String message;
    if (canary.phase == CanaryPhase.ROLLED_BACK && analysis != null) {
      healthy = Conditions.FALSE;
      reason = analysis.reason;
      message = "weight " + analysis.weight + " breached the limits: " + analysis.message;
    } else if (analysis != null && analysis.weight == canary.currentWeight) {
      healthy =
          "Healthy".equals(analysis.reason)
              ? Conditions.TRUE
              : BREACHES.contains(analysis.reason) ? Conditions.FALSE : Conditions.UNKNOWN;
      reason = analysis.reason;
      message = analysis.message;
    } else {
      healthy = Conditions.UNKNOWN;
      reason = "NotAnalyzed";
      message = "no router metrics judged weight " + canary.currentWeight + " yet";
    }
    List<Condition> updated =
        Conditions.set(conditions, CANARY_HEALTHY, healthy, reason, message, generation, now);
    boolean progressing = canary.phase == CanaryPhase.PROGRESSING;
    return Conditions.set(
        updated,
        CANARY_PROGRESSING,
        progressing ? Conditions.TRUE : Conditions.FALSE,
        progressing ? "StepInProgress" : canary.phase.value(),
        canary.message,
        generation,
        now);
  }

  private static TransportAnalysis transport(RequestStats window) {
    TransportAnalysis transport = new TransportAnalysis();
    transport.samples = window.samples();
    transport.errors = Math.round(window.errors());
    transport.errorRate = window.errorRate();
    double p95 = window.p95Seconds();
    transport.p95Seconds = Double.isNaN(p95) ? null : p95;
    return transport;
  }
}
