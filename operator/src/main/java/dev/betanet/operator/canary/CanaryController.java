package dev.betanet.operator.canary;

import dev.betanet.operator.analysis.CanaryJudge;
import dev.betanet.operator.anonymity.EntropyGate;
import dev.betanet.operator.canary.CanaryProgression.Analysis;
import dev.betanet.operator.canary.CanaryProgression.Decided;
import dev.betanet.operator.canary.CanaryProgression.State;
import dev.betanet.operator.canary.CanaryProgression.Transition;
import dev.betanet.operator.canary.StepWindows.StepWindow;
import dev.betanet.operator.crd.AnalysisProvider;
import dev.betanet.operator.crd.AnonymityStatus;
import dev.betanet.operator.crd.CanaryAnalysisStatus;
import dev.betanet.operator.crd.CanaryPhase;
import dev.betanet.operator.crd.CanarySpec;
import dev.betanet.operator.crd.CanaryStatus;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.MixnetClusterStatus;
import dev.betanet.operator.status.CanaryReport;
import dev.betanet.operator.status.StatusText;
import dev.betanet.protocol.spec.Durations;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Decides the canary weight of one reconcile: reads where the progression stands, reads and judges
 * the routers' metrics when a step is being observed, and lets {@link CanaryProgression} decide.
 * Says which weight to publish, the new {@code status.canary}, the events to record, and when to
 * look again.
 */
@ApplicationScoped
public class CanaryController {

  /** An event to record on the cluster. */
  public record Notice(boolean warning, String reason, String message) {}

  /**
   * @param weight the weight to publish in the topology
   * @param recheckAfter when to reconcile again to judge the step in force; empty when no step is
   * @param verdict the judgement made in this reconcile; null when none was
   */
  public record Outcome(
      int weight,
      CanaryStatus status,
      Optional<Duration> recheckAfter,
      List<Notice> notices,
      CanaryJudge.Verdict verdict) {}

  /** The reason of the event a rollback records. */
  public static final String ROLLED_BACK = "CanaryRolledBack";

  /** The reason of the event recorded when the metrics provider cannot measure a step. */
  public static final String METRICS_UNAVAILABLE = "CanaryMetricsUnavailable";

  /** The reason of the event a step held below the minimum entropy records. */
  public static final String HELD_FOR_ANONYMITY = "CanaryHeldForAnonymity";

  private static final Logger LOG = Logger.getLogger(CanaryController.class);

  private static final Duration MIN_RECHECK = Duration.ofSeconds(1);

  private final KubernetesClient client;
  private final RequestMetricsProvider direct;
  private final RequestMetricsProvider prometheus;

  /** How often a step in force is judged; a breach is caught within this, not at step end. */
  private final Duration analysisInterval;

  @Inject
  public CanaryController(
      KubernetesClient client,
      DirectMetrics direct,
      PrometheusMetrics prometheus,
      @ConfigProperty(name = "betanet.operator.canary.analysis-interval", defaultValue = "30s")
          Duration analysisInterval) {
    this.client = client;
    this.direct = direct;
    this.prometheus = prometheus;
    this.analysisInterval = analysisInterval;
  }

  /**
   * Everything this reads is in the API server ({@code status.canary}, router pods) or the routers'
   * metrics; nothing is kept in memory between reconciles, so a restarted operator, or a new
   * leader, goes on exactly where the last one wrote status.
   *
   * @param anonymity this reconcile's reading of the mix layers, for the anonymity gate ({@link
   *     EntropyGate})
   */
  public Outcome reconcile(MixnetCluster cluster, AnonymityStatus anonymity, Instant now) {
    CanarySpec spec = cluster.getSpec().canary;
    long generation = cluster.getMetadata().getGeneration();
    CanaryStatus previous = liveStatus(cluster);
    State state = state(cluster, previous);
    CanaryAnalysisStatus analysis = previous == null ? null : previous.lastAnalysis;
    Duration interval = Durations.parse(spec.stepInterval, "spec.canary.stepInterval");
    Optional<StepWindow> recorded =
        WindowRecords.read(previous == null ? null : previous.window)
            .filter(w -> w.judges(state.currentWeight(), state.stepStartedAt()));

    RequestMetricsProvider provider = provider(spec);
    StepWindows.Observed observed = null;
    StepWindow window = recorded.orElse(null);
    CanaryJudge.Verdict verdict = null;
    CanaryProgression.Step step = CanaryProgression.next(state, spec, generation, null, now);
    if (step instanceof CanaryProgression.NeedsAnalysis) {
      if (window == null) {
        // No window recorded for this step (an operator older than the window record): the
        // routers join from this measurement, so the step is observed afresh, never skipped.
        window = StepWindows.open(state.currentWeight(), state.stepStartedAt(), Map.of(), now);
      }
      observed = provider.observe(cluster, window, now);
      window = observed.window();
      StepWindows.Observation observation = scrubbed(cluster, observed.observation());
      EntropyGate.Result gate = EntropyGate.judge(anonymity, spec.analysis.minEntropyBits);
      verdict = gate.applyTo(judge(spec, observation));
      analysis = CanaryReport.analysis(state.currentWeight(), observation, verdict, now);
      analysis.provider = provider.kind().value();
      // A step passes after a full stepInterval at or above the minimum entropy.
      boolean complete = !now.isBefore(gate.windowCountsFrom(window.startedAt()).plus(interval));
      step =
          CanaryProgression.next(
              state, spec, generation, new Analysis(verdict.decision(), complete), now);
    }
    Decided decided = (Decided) step;
    State next = decided.state();

    Optional<Duration> recheck = Optional.empty();
    if (next.phase() == CanaryPhase.PROGRESSING) {
      if (window == null || !window.judges(next.currentWeight(), next.stepStartedAt())) {
        // A new step: its window starts from the counts just read, so nothing falls between steps.
        window = provider.open(cluster, next.currentWeight(), next.stepStartedAt(), now, observed);
      }
      Instant stepEnd = window.startedAt().plus(interval);
      Duration untilEnd = Duration.between(now, stepEnd);
      // Past the end (a step held for samples or anonymity): judge at the usual pace, not at once.
      Duration wait =
          untilEnd.isNegative() || untilEnd.compareTo(analysisInterval) > 0
              ? analysisInterval
              : untilEnd;
      recheck = Optional.of(wait.compareTo(MIN_RECHECK) < 0 ? MIN_RECHECK : wait);
    } else {
      window = null;
    }

    List<Notice> notices = new ArrayList<>();
    for (Transition transition : decided.transitions()) {
      notice(transition, spec, verdict, previous).ifPresent(notices::add);
    }
    if (observed != null && observed.observation().unavailable() != null) {
      unavailable(state.currentWeight(), verdict, previous).ifPresent(notices::add);
    }
    if (verdict != null
        && EntropyGate.BELOW.equals(verdict.reason())
        && !alreadyHeldForAnonymity(previous, state.currentWeight())) {
      notices.add(
          new Notice(
              false,
              HELD_FOR_ANONYMITY,
              "canary weight "
                  + state.currentWeight()
                  + " held (no rollback): "
                  + verdict.message()
                  + "; more flows or cover traffic raise it"));
    }
    String message = message(next, spec, previous, notices, analysis);
    CanaryStatus status = CanaryReport.status(next, spec, analysis, message);
    status.window = window == null ? null : WindowRecords.record(window);
    return new Outcome(next.currentWeight(), status, recheck, notices, verdict);
  }

  private RequestMetricsProvider provider(CanarySpec spec) {
    return spec.analysis.provider == AnalysisProvider.PROMETHEUS ? prometheus : direct;
  }

  /**
   * The progression's state as last written. Read from the API server, not the informer cache: a
   * reconcile that ran on a cache older than the previous status write would walk a step twice.
   */
  private CanaryStatus liveStatus(MixnetCluster cluster) {
    MixnetCluster live =
        client
            .resources(MixnetCluster.class)
            .inNamespace(cluster.getMetadata().getNamespace())
            .withName(cluster.getMetadata().getName())
            .get();
    MixnetClusterStatus status = live != null ? live.getStatus() : cluster.getStatus();
    return status == null ? null : status.canary;
  }

  private static State state(MixnetCluster cluster, CanaryStatus previous) {
    if (previous == null || previous.phase == null) {
      // First time: carry on from the weight already published, if any.
      MixnetClusterStatus status = cluster.getStatus();
      int published = status == null || status.canaryWeight == null ? 0 : status.canaryWeight;
      return State.settledAt(published);
    }
    return new State(
        previous.currentWeight,
        previous.lastGoodWeight,
        previous.phase,
        previous.stepStartedAt == null ? null : Instant.parse(previous.stepStartedAt),
        previous.observedGeneration == null ? -1 : previous.observedGeneration);
  }

  /**
   * {@code observed} with each unreachable router's reason cut to words that carry no data (they go
   * into status and events); the full reasons go to the log.
   */
  private static StepWindows.Observation scrubbed(
      MixnetCluster cluster, StepWindows.Observation observed) {
    List<String> unreachable = new ArrayList<>();
    for (String entry : observed.unreachable()) {
      LOG.infof("%s: router metrics unreadable: %s", id(cluster), entry);
      int colon = entry.indexOf(": ");
      unreachable.add(
          colon < 0
              ? StatusText.unreachable(entry)
              : entry.substring(0, colon)
                  + ": "
                  + StatusText.unreachable(entry.substring(colon + 2)));
    }
    return new StepWindows.Observation(
        observed.mixnet(),
        observed.fallback(),
        observed.answered(),
        observed.total(),
        List.copyOf(unreachable),
        observed.startedAt(),
        observed.unavailable());
  }

  private static String id(MixnetCluster cluster) {
    return cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
  }

  /** Whether the step at {@code weight} was already held for anonymity: one event per hold. */
  private static boolean alreadyHeldForAnonymity(CanaryStatus previous, int weight) {
    return previous != null
        && previous.lastAnalysis != null
        && previous.lastAnalysis.weight == weight
        && EntropyGate.BELOW.equals(previous.lastAnalysis.reason);
  }

  /** The judge's verdict, held back while any router is unreadable unless a breach is proven. */
  private static CanaryJudge.Verdict judge(CanarySpec spec, StepWindows.Observation observed) {
    CanaryJudge judge =
        new CanaryJudge(
            new CanaryJudge.Thresholds(
                spec.analysis.maxErrorRate,
                Durations.parse(spec.analysis.maxP95Latency, "spec.canary.analysis.maxP95Latency"),
                spec.analysis.minSamples));
    if (observed.unavailable() != null) {
      // No data is not zero errors: the step holds and says why.
      return new CanaryJudge.Verdict(
          CanaryJudge.Decision.HOLD,
          observed.unavailable().reason(),
          observed.unavailable().message());
    }
    CanaryJudge.Verdict verdict = judge.judge(observed.mixnet(), observed.answered());
    if (observed.unreachable().isEmpty() || verdict.decision() == CanaryJudge.Decision.ROLLBACK) {
      return verdict;
    }
    // Advancing on part of the routers could miss the very one that fails.
    return new CanaryJudge.Verdict(
        CanaryJudge.Decision.HOLD,
        "RouterUnreachable",
        (observed.total() - observed.answered())
            + " of "
            + observed.total()
            + " routers did not answer: "
            + String.join("; ", observed.unreachable()));
  }

  private static Optional<Notice> notice(
      Transition t, CanarySpec spec, CanaryJudge.Verdict verdict, CanaryStatus previous) {
    String judged = verdict == null ? "" : ": " + verdict.message();
    String walk = stepOf(spec, t.toWeight());
    return Optional.ofNullable(
        switch (t.kind()) {
          case STARTED ->
              new Notice(
                  false,
                  "CanaryStepStarted",
                  "canary weight "
                      + t.fromWeight()
                      + " → "
                      + t.toWeight()
                      + walk
                      + "; next step after "
                      + spec.stepInterval
                      + " of healthy metrics");
          case ADVANCED ->
              new Notice(
                  false,
                  "CanaryStepAdvanced",
                  "canary weight " + t.fromWeight() + " → " + t.toWeight() + walk + judged);
          case COMPLETED ->
              new Notice(false, "CanaryPromoted", "canary weight " + t.toWeight() + judged);
          case PROMOTED ->
              new Notice(
                  false,
                  "CanaryPromoted",
                  "canary weight "
                      + t.fromWeight()
                      + " → "
                      + t.toWeight()
                      + " by spec.canary.promote, without analysis");
          case APPLIED, LOWERED ->
              new Notice(
                  false,
                  "CanaryWeightApplied",
                  t.fromWeight() == t.toWeight()
                      ? "canary weight " + t.toWeight() + " in force"
                      : "canary weight " + t.fromWeight() + " → " + t.toWeight());
          case ROLLED_BACK ->
              new Notice(
                  true,
                  ROLLED_BACK,
                  "canary weight "
                      + t.fromWeight()
                      + " → "
                      + t.toWeight()
                      + judged
                      + "; no further step until the spec changes");
          case BREACH_HELD ->
              alreadyReported(previous, t.fromWeight())
                  ? null
                  : new Notice(
                      true,
                      "CanaryAnalysisFailed",
                      "canary weight " + t.fromWeight() + " held (autoRollback is off)" + judged);
          case PAUSED ->
              new Notice(
                  false,
                  "CanaryPaused",
                  "canary weight " + t.toWeight() + " held by spec.canary.paused");
          case RESUMED ->
              new Notice(false, "CanaryResumed", "canary weight " + t.toWeight() + " resumed");
        });
  }

  /** One warning per failure of the provider (a new reason), not one per reconcile. */
  private static Optional<Notice> unavailable(
      int weight, CanaryJudge.Verdict verdict, CanaryStatus previous) {
    boolean reported =
        previous != null
            && previous.lastAnalysis != null
            && previous.lastAnalysis.weight == weight
            && verdict.reason().equals(previous.lastAnalysis.reason);
    return reported
        ? Optional.empty()
        : Optional.of(
            new Notice(
                true,
                METRICS_UNAVAILABLE,
                "canary weight " + weight + " held, not judged: " + verdict.message()));
  }

  /** Whether the breach of {@code weight} was already the last analysis: one event per breach. */
  private static boolean alreadyReported(CanaryStatus previous, int weight) {
    return previous != null
        && previous.lastAnalysis != null
        && previous.lastAnalysis.weight == weight
        && CanaryReport.BREACHES.contains(previous.lastAnalysis.reason);
  }

  private static String stepOf(CanarySpec spec, int weight) {
    List<Integer> walk = CanaryProgression.walk(spec.steps, spec.weight);
    int index = walk.indexOf(weight);
    return index < 0 ? "" : " (step " + (index + 1) + " of " + walk.size() + ")";
  }

  private static String message(
      State next,
      CanarySpec spec,
      CanaryStatus previous,
      List<Notice> notices,
      CanaryAnalysisStatus analysis) {
    boolean breachHeld =
        next.phase() == CanaryPhase.PROGRESSING
            && analysis != null
            && analysis.weight == next.currentWeight()
            && CanaryReport.BREACHES.contains(analysis.reason);
    boolean anonymityHeld =
        next.phase() == CanaryPhase.PROGRESSING
            && analysis != null
            && analysis.weight == next.currentWeight()
            && EntropyGate.BELOW.equals(analysis.reason);
    if (anonymityHeld) {
      return "held at weight "
          + next.currentWeight()
          + " for anonymity: "
          + analysis.message
          + "; the step advances after "
          + spec.stepInterval
          + " at or above it";
    }
    if (breachHeld) {
      return "held at weight "
          + next.currentWeight()
          + " (autoRollback is off): "
          + analysis.message
          + "; lower the weight, promote, or pause and resume to observe the step afresh";
    }
    return switch (next.phase()) {
      case IDLE -> "canary weight 0: no flows use the mixnet";
      case PROMOTED -> "canary weight " + next.currentWeight() + " in force";
      case PAUSED -> "held at weight " + next.currentWeight() + " by spec.canary.paused";
      case PROGRESSING ->
          "observing weight "
              + next.currentWeight()
              + stepOf(spec, next.currentWeight())
              + " for "
              + spec.stepInterval
              + " of healthy metrics; target "
              + spec.weight;
      case ROLLED_BACK ->
          notices.stream()
              .filter(n -> n.reason().equals(ROLLED_BACK))
              .map(Notice::message)
              .findFirst()
              .orElse(
                  previous != null && previous.message != null ? previous.message : "rolled back");
    };
  }
}
