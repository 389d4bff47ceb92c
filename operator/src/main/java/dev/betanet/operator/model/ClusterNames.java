package dev.betanet.operator.model;

import dev.betanet.operator.crd.MixnetCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every name and label the operator gives the objects of one cluster, in one place, so the model
 * classes, the key ring and the tests cannot drift apart.
 */
public record ClusterNames(String cluster, String namespace) {

  public static final String LABEL_CLUSTER = "betanet.dev/cluster";
  public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
  public static final String LABEL_NODE = "betanet.dev/node";
  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "betanet-operator";

  /** Marks a node's key Secret, so the keys of removed nodes can be found and deleted. */
  public static final String LABEL_NODE_KEYS = "betanet.dev/node-keys";

  public static final String MIXNODE = "mixnode";
  public static final String ROUTER = "router";

  public static ClusterNames of(MixnetCluster cluster) {
    return new ClusterNames(cluster.getMetadata().getName(), cluster.getMetadata().getNamespace());
  }

  /**
   * A node's id: the name of the only pod of its StatefulSet ({@code <set>-0}). The topology, the
   * key Secret and {@code BETANET_NODE_ID} all use it.
   */
  public static String nodeId(String statefulSet) {
    return statefulSet + "-0";
  }

  /** The StatefulSet of mixnode {@code index} in {@code layer}. */
  public String mixnode(int layer, int index) {
    return cluster + "-mix-" + layer + "-" + index;
  }

  /** The StatefulSet of router {@code index}. */
  public String router(int index) {
    return cluster + "-router-" + index;
  }

  /** Mixnode StatefulSet names, layer by layer. */
  public List<List<String>> mixnodes(int layers, int nodesPerLayer) {
    List<List<String>> names = new ArrayList<>();
    for (int layer = 0; layer < layers; layer++) {
      List<String> inLayer = new ArrayList<>();
      for (int index = 0; index < nodesPerLayer; index++) {
        inLayer.add(mixnode(layer, index));
      }
      names.add(inLayer);
    }
    return names;
  }

  public List<String> routers(int replicas) {
    List<String> names = new ArrayList<>();
    for (int index = 0; index < replicas; index++) {
      names.add(router(index));
    }
    return names;
  }

  public String nodeKeysSecret(String nodeId) {
    return nodeId + "-keys";
  }

  public String operatorIdentitySecret() {
    return cluster + "-operator-identity";
  }

  public String fogServicesSecret() {
    return cluster + "-fog-services";
  }

  public String topologyConfigMap() {
    return cluster + "-topology";
  }

  public String routerServicesConfigMap() {
    return cluster + "-router-services";
  }

  public String mixnodesHeadlessService() {
    return cluster + "-mixnodes";
  }

  public String routersHeadlessService() {
    return cluster + "-routers";
  }

  public String routerClientService() {
    return cluster + "-router";
  }

  public String serviceAccount(String component) {
    return cluster + "-" + component;
  }

  public String topologyReaderRole() {
    return cluster + "-topology-reader";
  }

  public String podDisruptionBudget(String component) {
    return cluster + "-" + component;
  }

  public String networkPolicy(String component) {
    return cluster + "-" + component;
  }

  /** The address of a pod behind a headless service, as nodes dial it. */
  public String podAddress(String pod, String headlessService, int port) {
    return pod + "." + headlessService + "." + namespace + ".svc:" + port;
  }

  /** Labels on every object of this cluster; the selector for pruning. */
  public Map<String, String> clusterLabels() {
    return Map.of(LABEL_CLUSTER, cluster, LABEL_MANAGED_BY, MANAGED_BY);
  }

  /** Labels of one component's objects and pods. */
  public Map<String, String> componentLabels(String component) {
    return Map.of(LABEL_CLUSTER, cluster, LABEL_MANAGED_BY, MANAGED_BY, LABEL_COMPONENT, component);
  }

  /** Labels of a node's key Secret. */
  public Map<String, String> nodeKeysLabels(String component) {
    return Map.of(
        LABEL_CLUSTER,
        cluster,
        LABEL_MANAGED_BY,
        MANAGED_BY,
        LABEL_COMPONENT,
        component,
        LABEL_NODE_KEYS,
        "true");
  }

  /** Labels of one node's objects and pod; the node label lets a StatefulSet select its pod. */
  public Map<String, String> nodeLabels(String component, String node) {
    return Map.of(
        LABEL_CLUSTER,
        cluster,
        LABEL_MANAGED_BY,
        MANAGED_BY,
        LABEL_COMPONENT,
        component,
        LABEL_NODE,
        node);
  }
}
