package dev.betanet.operator.reconcile;

import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.keys.ClusterKeys;
import dev.betanet.operator.model.ClusterNames;
import dev.betanet.operator.model.MixnodeModel;
import dev.betanet.operator.model.RbacModel;
import dev.betanet.operator.model.RouterModel;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Applies everything but keys and topology: service accounts and RBAC, services, network policies,
 * disruption budgets, the router services ConfigMap and one StatefulSet per node; deletes the
 * StatefulSets of nodes the spec no longer has; reports which nodes are ready.
 */
@ApplicationScoped
public class ClusterWorkloads {

  private static final Logger LOG = Logger.getLogger(ClusterWorkloads.class);

  @Inject KubernetesClient client;
  @Inject ResourceApplier applier;

  /**
   * Kind/name of the objects an {@link #apply} wrote: for a change of the spec, and to undo a hand
   * edit.
   */
  public record Changes(List<String> written, List<String> reverted) {}

  /** Creates or updates the cluster's objects and deletes those of removed nodes. */
  public Changes apply(MixnetCluster cluster, ClusterKeys keys) {
    MixnodeModel mixnodes = MixnodeModel.from(cluster);
    RouterModel routers = RouterModel.from(cluster);
    RbacModel rbac = RbacModel.from(cluster);
    List<HasMetadata> desired = new ArrayList<>(rbac.serviceAccounts());
    desired.add(rbac.topologyReaderRole());
    desired.add(rbac.topologyReaderBinding());
    desired.add(mixnodes.service());
    desired.add(routers.headlessService());
    desired.add(routers.clientService());
    desired.add(mixnodes.networkPolicy());
    desired.add(routers.networkPolicy());
    desired.add(mixnodes.podDisruptionBudget());
    desired.add(routers.podDisruptionBudget());
    desired.add(routers.servicesConfigMap(keys.fogServices()));
    desired.addAll(mixnodes.statefulSets());
    desired.addAll(routers.statefulSets());

    List<String> written = new ArrayList<>();
    List<String> reverted = new ArrayList<>();
    for (HasMetadata object : desired) {
      String name = object.getKind() + "/" + object.getMetadata().getName();
      switch (applier.apply(cluster, object)) {
        case WRITTEN -> written.add(name);
        case REVERTED -> reverted.add(name);
        case UNCHANGED -> {}
      }
    }
    ClusterNames names = ClusterNames.of(cluster);
    Set<String> keep = new HashSet<>(mixnodes.nodes());
    keep.addAll(routers.nodes());
    List<String> removed =
        applier.prune(StatefulSet.class, names.namespace(), names.clusterLabels(), keep);
    if (!removed.isEmpty()) {
      LOG.infof(
          "%s/%s: deleted StatefulSets of removed nodes %s",
          names.namespace(), names.cluster(), removed);
    }
    return new Changes(written, reverted);
  }

  /** StatefulSet names of this cluster whose pod is ready. */
  public Set<String> readyNodes(MixnetCluster cluster) {
    ClusterNames names = ClusterNames.of(cluster);
    Set<String> ready = new HashSet<>();
    for (StatefulSet set :
        client
            .apps()
            .statefulSets()
            .inNamespace(names.namespace())
            .withLabels(names.clusterLabels())
            .list()
            .getItems()) {
      var status = set.getStatus();
      if (status != null && status.getReadyReplicas() != null && status.getReadyReplicas() >= 1) {
        ready.add(set.getMetadata().getName());
      }
    }
    return ready;
  }
}
