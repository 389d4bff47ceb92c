package dev.betanet.operator.metrics;

import dev.betanet.operator.crd.CanaryAnalysisStatus;
import dev.betanet.operator.crd.CanaryPhase;
import dev.betanet.operator.crd.CanaryStatus;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.protocol.metrics.MetricName;
import dev.betanet.protocol.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The operator's own metrics ({@code betanet_operator_*} on {@code /q/metrics}), per cluster:
 * canary weight, desired weight and phase; the last analysis of each step; rollbacks;
 * reconciliations by result; key rotations, key and topology epochs. Every series carries {@code
 * namespace} and {@code cluster}. A cluster's series are removed when it is gone from the
 * operator's cache ({@link #retainOnly}), so a deleted cluster does not report forever.
 */
@ApplicationScoped
public class OperatorMetrics {

  public static final String RESULT_OK = "ok";
  public static final String RESULT_INVALID_SPEC = "invalid_spec";
  public static final String RESULT_FAILED = "failed";

  /** A write refused with 409 (the cluster changed meanwhile); retried at once, not a failure. */
  public static final String RESULT_CONFLICT = "conflict";

  private final MeterRegistry registry;
  private final Map<String, ClusterMeters> byCluster = new ConcurrentHashMap<>();

  @Inject
  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Where the canary stands after a reconcile; {@code analyzed}: a judgement was made in it. */
  public void canary(MixnetCluster cluster, CanaryStatus canary, boolean analyzed) {
    ClusterMeters meters = meters(cluster);
    meters.weight.set(canary.currentWeight);
    meters.desiredWeight.set(canary.desiredWeight);
    meters.phase.set(canary.phase);
    CanaryAnalysisStatus analysis = canary.lastAnalysis;
    if (analyzed && analysis != null && analysis.mixnet != null) {
      meters.step(analysis.weight).record(analysis);
    }
  }

  public void rolledBack(MixnetCluster cluster) {
    meters(cluster).rollbacks.increment();
  }

  public void keysRotated(MixnetCluster cluster, long keyEpoch) {
    ClusterMeters meters = meters(cluster);
    meters.keyRotations.increment();
    meters.keyEpoch.set(keyEpoch);
  }

  public void epochs(MixnetCluster cluster, long keyEpoch, long topologyEpoch) {
    ClusterMeters meters = meters(cluster);
    meters.keyEpoch.set(keyEpoch);
    meters.topologyEpoch.set(topologyEpoch);
  }

  /** One reconciliation, by result: {@link #RESULT_OK}, {@link #RESULT_INVALID_SPEC}, … */
  public void reconciled(MixnetCluster cluster, String result) {
    ClusterMeters meters = meters(cluster);
    meters
        .reconciliations
        .computeIfAbsent(
            result,
            r ->
                meters.register(
                    Counter.builder(MetricNames.OPERATOR_RECONCILIATIONS.meter())
                        .description("Reconciliations by result")
                        .tags(meters.tags.and("result", r))
                        .register(registry)))
        .increment();
  }

  /** Drops the series of every cluster not in {@code present} ({@code namespace/name}). */
  public void retainOnly(Set<String> present) {
    for (String id : List.copyOf(byCluster.keySet())) {
      if (!present.contains(id)) {
        ClusterMeters gone = byCluster.remove(id);
        if (gone != null) {
          gone.removeAll();
        }
      }
    }
  }

  public static String id(MixnetCluster cluster) {
    return cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
  }

  private ClusterMeters meters(MixnetCluster cluster) {
    return byCluster.computeIfAbsent(
        id(cluster),
        id ->
            new ClusterMeters(
                Tags.of(
                    "namespace",
                    cluster.getMetadata().getNamespace(),
                    "cluster",
                    cluster.getMetadata().getName())));
  }

  /** The meters of one cluster; the values the gauges read are held here, strongly. */
  private final class ClusterMeters {
    final Tags tags;
    final List<Meter> registered = new ArrayList<>();
    final AtomicLong weight = new AtomicLong();
    final AtomicLong desiredWeight = new AtomicLong();
    final AtomicReference<CanaryPhase> phase = new AtomicReference<>(CanaryPhase.IDLE);
    final AtomicLong keyEpoch = new AtomicLong();
    final AtomicLong topologyEpoch = new AtomicLong();
    final Counter rollbacks;
    final Counter keyRotations;
    final Map<String, Counter> reconciliations = new ConcurrentHashMap<>();
    final Map<Integer, StepMeters> steps = new ConcurrentHashMap<>();

    ClusterMeters(Tags tags) {
      this.tags = tags;
      gauge(MetricNames.OPERATOR_CANARY_WEIGHT, "Canary weight in force", tags, weight);
      gauge(MetricNames.OPERATOR_CANARY_DESIRED_WEIGHT, "spec.canary.weight", tags, desiredWeight);
      for (CanaryPhase each : CanaryPhase.values()) {
        register(
            Gauge.builder(
                    MetricNames.OPERATOR_CANARY_PHASE.meter(), phase, p -> p.get() == each ? 1 : 0)
                .description("1 for the canary's phase")
                .tags(tags.and("phase", each.value()))
                .register(registry));
      }
      gauge(MetricNames.OPERATOR_KEY_EPOCH, "Newest packet key epoch", tags, keyEpoch);
      gauge(MetricNames.OPERATOR_TOPOLOGY_EPOCH, "Topology epoch published", tags, topologyEpoch);
      rollbacks =
          register(
              Counter.builder(MetricNames.OPERATOR_ROLLBACKS.meter())
                  .description("Canary rollbacks")
                  .tags(tags)
                  .register(registry));
      keyRotations =
          register(
              Counter.builder(MetricNames.OPERATOR_KEY_ROTATIONS.meter())
                  .description("Packet key rotations")
                  .tags(tags)
                  .register(registry));
    }

    StepMeters step(int weight) {
      return steps.computeIfAbsent(
          weight, w -> new StepMeters(this, tags.and("weight", Integer.toString(w))));
    }

    void gauge(MetricName name, String description, Tags gaugeTags, AtomicLong value) {
      register(
          Gauge.builder(name.meter(), value, AtomicLong::get)
              .description(description)
              .tags(gaugeTags)
              .register(registry));
    }

    <M extends Meter> M register(M meter) {
      synchronized (registered) {
        registered.add(meter);
      }
      return meter;
    }

    void unregister(Meter meter) {
      synchronized (registered) {
        registered.remove(meter);
      }
      registry.remove(meter);
    }

    void removeAll() {
      synchronized (registered) {
        registered.forEach(registry::remove);
        registered.clear();
      }
    }
  }

  /** The last analysis of one step (one weight) of one cluster. */
  private final class StepMeters {
    final ClusterMeters cluster;
    final Tags tags;
    final AtomicReference<Double> errorRate = new AtomicReference<>(Double.NaN);
    final AtomicReference<Double> p95 = new AtomicReference<>(Double.NaN);
    final AtomicLong samples = new AtomicLong();
    Meter verdict;
    String verdictReason;

    StepMeters(ClusterMeters cluster, Tags tags) {
      this.cluster = cluster;
      this.tags = tags;
      cluster.register(
          Gauge.builder(
                  MetricNames.OPERATOR_ANALYSIS_ERROR_RATE.meter(), errorRate, AtomicReference::get)
              .description("Mixnet error rate at the step's last analysis")
              .tags(tags)
              .register(registry));
      cluster.register(
          Gauge.builder(
                  MetricNames.OPERATOR_ANALYSIS_P95_SECONDS.meter(), p95, AtomicReference::get)
              .description("Mixnet p95 latency at the step's last analysis")
              .tags(tags)
              .register(registry));
      cluster.gauge(
          MetricNames.OPERATOR_ANALYSIS_SAMPLES,
          "Mixnet requests judged at the step's last analysis",
          tags,
          samples);
    }

    synchronized void record(CanaryAnalysisStatus analysis) {
      errorRate.set(analysis.mixnet.errorRate);
      p95.set(analysis.mixnet.p95Seconds == null ? Double.NaN : analysis.mixnet.p95Seconds);
      samples.set(analysis.mixnet.samples);
      if (!analysis.reason.equals(verdictReason)) {
        // One series per step, labelled with the newest verdict: the old label goes away.
        if (verdict != null) {
          cluster.unregister(verdict);
        }
        verdictReason = analysis.reason;
        verdict =
            cluster.register(
                Gauge.builder(MetricNames.OPERATOR_ANALYSIS_VERDICT.meter(), () -> 1)
                    .description("The step's last verdict, as its label")
                    .tags(tags.and("verdict", analysis.reason))
                    .register(registry));
      }
    }
  }
}
