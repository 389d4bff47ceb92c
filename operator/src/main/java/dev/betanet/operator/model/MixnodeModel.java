package dev.betanet.operator.model;

import static dev.betanet.operator.model.NodePods.MANAGEMENT_PORT;
import static dev.betanet.operator.model.NodePods.PACKET_PORT;

import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.MixnodesSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;

/** The desired Kubernetes objects of a cluster's mixnodes; plain Java, no API calls. */
public final class MixnodeModel {

  private final ClusterNames names;
  private final MixnodesSpec spec;

  private MixnodeModel(ClusterNames names, MixnodesSpec spec) {
    this.names = names;
    this.spec = spec;
  }

  public static MixnodeModel from(MixnetCluster cluster) {
    return new MixnodeModel(ClusterNames.of(cluster), cluster.getSpec().mixnodes);
  }

  /** Mixnode StatefulSet names, layer by layer. */
  public List<List<String>> nodesByLayer() {
    return names.mixnodes(spec.layers, spec.nodesPerLayer);
  }

  public List<String> nodes() {
    return nodesByLayer().stream().flatMap(List::stream).toList();
  }

  /** Where mixnode {@code node} (a StatefulSet name) receives packets. */
  public String address(String node) {
    return names.podAddress(
        ClusterNames.nodeId(node), names.mixnodesHeadlessService(), PACKET_PORT);
  }

  /** One StatefulSet per mixnode, each mounting only that node's key Secret. */
  public List<StatefulSet> statefulSets() {
    return nodes().stream().map(this::statefulSet).toList();
  }

  public StatefulSet statefulSet(String node) {
    return NodePods.statefulSet(
        names,
        ClusterNames.MIXNODE,
        node,
        names.mixnodesHeadlessService(),
        spec.image,
        spec.resources,
        NodePods.commonFiles(names, node),
        List.of(NodePods.port("packets", PACKET_PORT)));
  }

  public Service service() {
    return Policies.headlessService(
        names,
        names.mixnodesHeadlessService(),
        ClusterNames.MIXNODE,
        List.of(
            Policies.servicePort("packets", PACKET_PORT),
            Policies.servicePort("management", MANAGEMENT_PORT)));
  }

  /** Packets only from this cluster's mixnodes and routers; management from anywhere. */
  public NetworkPolicy networkPolicy() {
    return Policies.networkPolicy(
        names,
        ClusterNames.MIXNODE,
        List.of(
            Policies.fromClusterNodes(names, PACKET_PORT), Policies.fromAnywhere(MANAGEMENT_PORT)));
  }

  public PodDisruptionBudget podDisruptionBudget() {
    return Policies.podDisruptionBudget(names, ClusterNames.MIXNODE);
  }
}
