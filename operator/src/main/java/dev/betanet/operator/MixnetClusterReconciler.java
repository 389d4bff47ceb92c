package dev.betanet.operator;

import dev.betanet.operator.anonymity.AdaptiveCover;
import dev.betanet.operator.anonymity.AnonymityMonitor;
import dev.betanet.operator.canary.CanaryController;
import dev.betanet.operator.crd.CoverStatus;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.MixnetClusterStatus;
import dev.betanet.operator.keys.ClusterKeys;
import dev.betanet.operator.leadership.Leadership;
import dev.betanet.operator.metrics.OperatorMetrics;
import dev.betanet.operator.model.ClusterNames;
import dev.betanet.operator.model.SpecValidation;
import dev.betanet.operator.reconcile.ClusterWorkloads;
import dev.betanet.operator.reconcile.EventRecorder;
import dev.betanet.operator.reconcile.KeySecrets;
import dev.betanet.operator.reconcile.OperatorClock;
import dev.betanet.operator.reconcile.TopologyPublisher;
import dev.betanet.operator.status.AnonymityReport;
import dev.betanet.operator.status.CanaryReport;
import dev.betanet.operator.status.Conditions;
import dev.betanet.operator.status.StatusReport;
import dev.betanet.operator.status.StatusText;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Turns a {@link MixnetCluster} into a running mixnet: keys, workloads, canary weight, signed
 * topology, status. The steps live in their own beans; this class orders them and reports.
 *
 * <p>An invalid spec is reported as {@code Ready=False reason=InvalidSpec} and not retried: only a
 * new spec can fix it, and that triggers a reconcile of its own.
 */
@ControllerConfiguration
public class MixnetClusterReconciler implements Reconciler<MixnetCluster> {

  private static final Logger LOG = Logger.getLogger(MixnetClusterReconciler.class);

  @Inject KeySecrets keySecrets;
  @Inject ClusterWorkloads workloads;
  @Inject CanaryController canary;
  @Inject AnonymityMonitor anonymityMonitor;
  @Inject TopologyPublisher topologyPublisher;
  @Inject EventRecorder events;
  @Inject OperatorClock clock;
  @Inject OperatorMetrics metrics;
  @Inject Leadership leadership;

  /** Upper bound between reconciles, so key rotation and lost events are never missed for long. */
  @ConfigProperty(name = "betanet.operator.resync-interval", defaultValue = "5m")
  Duration resyncInterval;

  /** StatefulSet status changes (pods becoming ready) trigger a reconcile of their owner. */
  @Override
  public List<EventSource<?, MixnetCluster>> prepareEventSources(
      EventSourceContext<MixnetCluster> context) {
    var statefulSets =
        InformerEventSourceConfiguration.from(StatefulSet.class, MixnetCluster.class)
            .withLabelSelector(ClusterNames.LABEL_MANAGED_BY + "=" + ClusterNames.MANAGED_BY)
            .build();
    return List.of(new InformerEventSource<>(statefulSets, context));
  }

  @Override
  public UpdateControl<MixnetCluster> reconcile(MixnetCluster cluster, Context<MixnetCluster> ctx) {
    String id = id(cluster);
    if (!leadership.isLeading()) {
      // This replica lost its Lease: another one acts now.
      LOG.debugf("%s: not the leader, nothing done", id);
      return UpdateControl.noUpdate();
    }
    Instant now = clock.now();
    // A deleted cluster never reconciles again: its series go when it leaves the cache.
    Set<String> present =
        ctx.getPrimaryCache().list().map(OperatorMetrics::id).collect(Collectors.toSet());
    metrics.retainOnly(present);
    anonymityMonitor.retainOnly(present);
    List<String> problems = SpecValidation.problems(cluster);
    if (!problems.isEmpty()) {
      String message = String.join("; ", problems);
      LOG.warnf("%s: invalid spec, nothing changed: %s", id, message);
      if (!isInvalidSpecReported(cluster, message)) {
        events.warning(cluster, "InvalidSpec", message);
      }
      metrics.reconciled(cluster, OperatorMetrics.RESULT_INVALID_SPEC);
      return patchStatus(cluster, StatusReport.failed(cluster, "InvalidSpec", message, now));
    }
    LOG.debugf("%s: reconciling generation %d", id, cluster.getMetadata().getGeneration());

    ClusterKeys keys = keySecrets.reconcile(cluster, now);
    reportKeyChanges(cluster, keys);
    ClusterWorkloads.Changes changes = workloads.apply(cluster, keys);
    if (!changes.written().isEmpty()) {
      LOG.infof("%s: created or updated %s", id, changes.written());
    }
    if (!changes.reverted().isEmpty()) {
      events.warning(
          cluster,
          "HandEditReverted",
          "set "
              + String.join(", ", changes.reverted())
              + " back to what the MixnetCluster asks for: they were edited by hand (edit the"
              + " MixnetCluster instead)");
    }
    Set<String> ready = workloads.readyNodes(cluster);
    AnonymityMonitor.Outcome anonymity = anonymityMonitor.measure(cluster, ready, now);
    CanaryController.Outcome canaryOutcome = canary.reconcile(cluster, anonymity.status(), now);
    TopologyPublisher.Published published =
        topologyPublisher.publish(
            cluster, keys, ready, canaryOutcome.weight(), anonymity.coverRate(), now);
    if (published.changed()) {
      events.normal(
          cluster,
          "TopologyPublished",
          "topology epoch "
              + published.topology().epoch()
              + " published (canary weight "
              + published.topology().canary().weight()
              + ", key epoch "
              + keys.identity().keyEpoch()
              + ")");
    }
    if (anonymity.coverChanged()) {
      reportCover(cluster, anonymity.status().cover);
    }
    // After publishing: an event about a weight names one that routers can already load.
    for (CanaryController.Notice notice : canaryOutcome.notices()) {
      if (notice.reason().equals(CanaryController.ROLLED_BACK)) {
        metrics.rolledBack(cluster);
      }
      if (notice.warning()) {
        events.warning(cluster, notice.reason(), notice.message());
      } else {
        events.normal(cluster, notice.reason(), notice.message());
      }
    }

    boolean wasReady =
        cluster.getStatus() != null
            && Conditions.isTrue(cluster.getStatus().conditions, Conditions.READY);
    MixnetClusterStatus status =
        StatusReport.reconciled(cluster, ready, published.topology(), keys, now);
    status.canary = canaryOutcome.status();
    status.conditions =
        CanaryReport.conditions(
            status.conditions, status.canary, cluster.getMetadata().getGeneration(), now);
    status.anonymity = anonymity.status();
    status.conditions =
        AnonymityReport.conditions(
            status.conditions,
            status.anonymity,
            cluster.getSpec().canary.analysis.minEntropyBits,
            cluster.getMetadata().getGeneration(),
            now);
    metrics.canary(cluster, status.canary, canaryOutcome.verdict() != null);
    metrics.epochs(cluster, keys.identity().keyEpoch(), published.topology().epoch());
    boolean isReady = Conditions.isTrue(status.conditions, Conditions.READY);
    if (isReady != wasReady) {
      String message =
          Conditions.find(status.conditions, Conditions.READY).orElseThrow().getMessage();
      if (isReady) {
        events.normal(cluster, "Ready", message);
      } else {
        events.warning(cluster, "NotReady", message);
      }
    }
    Duration untilKeys =
        KeySecrets.policy(cluster).untilNextAction(keys.identity().rotatedAt(), now);
    // A second's slack so the reconcile lands after the deadline, not just before it.
    Duration next =
        untilKeys.plusSeconds(1).compareTo(resyncInterval) < 0
            ? untilKeys.plusSeconds(1)
            : resyncInterval;
    // While a canary step is in force, come back to judge it.
    if (canaryOutcome.recheckAfter().isPresent()
        && canaryOutcome.recheckAfter().get().compareTo(next) < 0) {
      next = canaryOutcome.recheckAfter().get();
    }
    // The layers' entropy follows load: measure again (and let adaptive cover follow it).
    if (anonymityMonitor.interval().compareTo(next) < 0) {
      next = anonymityMonitor.interval();
    }
    if (!leadership.isLeading()) {
      // Lost the Lease during this reconcile: the new leader writes status from now on.
      LOG.infof("%s: lost the Lease while reconciling; status left to the new leader", id);
      return UpdateControl.noUpdate();
    }
    metrics.reconciled(cluster, OperatorMetrics.RESULT_OK);
    return patchStatus(cluster, status).rescheduleAfter(next);
  }

  @Override
  public ErrorStatusUpdateControl<MixnetCluster> updateErrorStatus(
      MixnetCluster cluster, Context<MixnetCluster> context, Exception e) {
    if (!leadership.isLeading()) {
      LOG.infof(
          "%s: reconcile failed after the Lease was lost; left to the new leader", id(cluster));
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    LOG.errorf(e, "%s: reconcile failed, will retry", id(cluster));
    metrics.reconciled(cluster, OperatorMetrics.RESULT_FAILED);
    cluster.setStatus(
        StatusReport.failed(
            cluster, "ReconcileFailed", StatusText.reconcileFailed(e), clock.now()));
    return ErrorStatusUpdateControl.patchStatus(cluster);
  }

  private void reportCover(MixnetCluster cluster, CoverStatus cover) {
    LOG.infof("%s: adaptive cover %s: %s", id(cluster), cover.reason, cover.message);
    switch (cover.reason) {
      case AdaptiveCover.RAISED -> events.normal(cluster, "CoverRateRaised", cover.message);
      case AdaptiveCover.LOWERED -> events.normal(cluster, "CoverRateLowered", cover.message);
      case AdaptiveCover.AT_CAP -> events.warning(cluster, "CoverRateAtCap", cover.message);
      default -> {}
    }
  }

  private void reportKeyChanges(MixnetCluster cluster, ClusterKeys keys) {
    if (keys.rotated()) {
      metrics.keysRotated(cluster, keys.identity().keyEpoch());
      events.normal(
          cluster,
          "KeysRotated",
          "packet keys of "
              + keys.nodes().size()
              + " nodes rotated to key epoch "
              + keys.identity().keyEpoch()
              + ": handed to the nodes now, published to senders after half of spec.keyOverlap;"
              + " previous keys retired after spec.keyOverlap");
    }
    if (keys.retired()) {
      events.normal(
          cluster,
          "PreviousKeysRetired",
          "packet keys before key epoch " + keys.identity().keyEpoch() + " retired");
    }
    boolean known = cluster.getStatus() != null && cluster.getStatus().keyEpoch != null;
    if (known && !keys.regenerated().isEmpty()) {
      LOG.infof("%s: generated keys for nodes %s", id(cluster), keys.regenerated());
    }
  }

  private static boolean isInvalidSpecReported(MixnetCluster cluster, String message) {
    return cluster.getStatus() != null
        && Conditions.find(cluster.getStatus().conditions, Conditions.READY)
            .filter(c -> "InvalidSpec".equals(c.getReason()) && message.equals(c.getMessage()))
            .isPresent();
  }

  private static UpdateControl<MixnetCluster> patchStatus(
      MixnetCluster cluster, MixnetClusterStatus status) {
    cluster.setStatus(status);
    return UpdateControl.patchStatus(cluster);
  }

  private static String id(MixnetCluster cluster) {
    return cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
  }
}
