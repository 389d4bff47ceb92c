package dev.betanet.operator.status;

import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.MixnetClusterStatus;
import dev.betanet.operator.keys.ClusterKeys;
import dev.betanet.operator.model.MixnodeModel;
import dev.betanet.operator.model.RouterModel;
import dev.betanet.protocol.topology.Topology;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Builds a MixnetCluster's status from what one reconcile saw and did. Plain Java. */
public final class StatusReport {

  public static final String PHASE_PROGRESSING = "Progressing";
  public static final String PHASE_RUNNING = "Running";
  public static final String PHASE_FAILED = "Failed";

  private StatusReport() {}

  /** The status after a successful reconcile. */
  public static MixnetClusterStatus reconciled(
      MixnetCluster cluster,
      Set<String> readyNodes,
      Topology topology,
      ClusterKeys keys,
      Instant now) {
    long generation = cluster.getMetadata().getGeneration();
    MixnetClusterStatus status = base(cluster);
    List<String> mixnodes = MixnodeModel.from(cluster).nodes();
    List<String> routers = RouterModel.from(cluster).nodes();
    status.desiredMixnodes = mixnodes.size();
    status.readyMixnodes = (int) mixnodes.stream().filter(readyNodes::contains).count();
    status.desiredRouters = routers.size();
    status.readyRouters = (int) routers.stream().filter(readyNodes::contains).count();
    status.mixnodes = status.readyMixnodes + "/" + status.desiredMixnodes;
    status.routers = status.readyRouters + "/" + status.desiredRouters;
    status.topologyEpoch = topology.epoch();
    status.canaryWeight = topology.canary().weight();
    status.keyEpoch = keys.identity().keyEpoch();
    status.keysRotatedAt = keys.identity().rotatedAt().toString();

    boolean mixnodesReady = status.readyMixnodes == status.desiredMixnodes;
    boolean routersReady = status.readyRouters == status.desiredRouters;
    List<Condition> c = status.conditions;
    c =
        Conditions.set(
            c,
            Conditions.MIXNODES_READY,
            mixnodesReady,
            mixnodesReady ? "AllReady" : "NotAllReady",
            status.mixnodes + " mixnodes ready",
            generation,
            now);
    c =
        Conditions.set(
            c,
            Conditions.ROUTERS_READY,
            routersReady,
            routersReady ? "AllReady" : "NotAllReady",
            status.routers + " routers ready",
            generation,
            now);
    c =
        Conditions.set(
            c,
            Conditions.TOPOLOGY_PUBLISHED,
            true,
            "Published",
            "topology epoch "
                + topology.epoch()
                + " is in ConfigMap "
                + cluster.getMetadata().getName()
                + "-topology",
            generation,
            now);
    boolean ready = mixnodesReady && routersReady;
    String waitingFor =
        !mixnodesReady && !routersReady
            ? "mixnodes and routers"
            : !mixnodesReady ? "mixnodes" : "routers";
    c =
        Conditions.set(
            c,
            Conditions.READY,
            ready,
            ready ? "AllNodesReady" : "NodesNotReady",
            ready
                ? "the mixnet is running"
                : "waiting for "
                    + waitingFor
                    + " ("
                    + status.mixnodes
                    + " mixnodes, "
                    + status.routers
                    + " routers ready)",
            generation,
            now);
    status.conditions = c;
    status.phase = ready ? PHASE_RUNNING : PHASE_PROGRESSING;
    return status;
  }

  /**
   * The status when the cluster cannot be reconciled: {@code Ready=False} with {@code reason} (e.g.
   * InvalidSpec); counts and epochs stay as last reported.
   */
  public static MixnetClusterStatus failed(
      MixnetCluster cluster, String reason, String message, Instant now) {
    MixnetClusterStatus status = base(cluster);
    status.conditions =
        Conditions.set(
            status.conditions,
            Conditions.READY,
            false,
            reason,
            message,
            cluster.getMetadata().getGeneration(),
            now);
    status.phase = PHASE_FAILED;
    return status;
  }

  private static MixnetClusterStatus base(MixnetCluster cluster) {
    MixnetClusterStatus previous = cluster.getStatus();
    MixnetClusterStatus status = new MixnetClusterStatus();
    if (previous != null) {
      status.conditions = previous.conditions == null ? List.of() : previous.conditions;
      status.readyMixnodes = previous.readyMixnodes;
      status.desiredMixnodes = previous.desiredMixnodes;
      status.readyRouters = previous.readyRouters;
      status.desiredRouters = previous.desiredRouters;
      status.mixnodes = previous.mixnodes;
      status.routers = previous.routers;
      status.topologyEpoch = previous.topologyEpoch;
      status.canaryWeight = previous.canaryWeight;
      status.canary = previous.canary;
      status.keyEpoch = previous.keyEpoch;
      status.keysRotatedAt = previous.keysRotatedAt;
      status.anonymity = previous.anonymity;
    }
    status.observedGeneration = cluster.getMetadata().getGeneration();
    return status;
  }
}
