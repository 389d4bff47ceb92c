package dev.betanet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.status.Conditions;
import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.NodeKeysFile;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.TopologyVerifier;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads what the operator wrote into the in-process API, and plays kubelet. */
final class ClusterObjects {

  static final Duration WAIT = Duration.ofSeconds(30);

  private final KubernetesClient client;

  ClusterObjects(KubernetesClient client) {
    this.client = client;
  }

  Topology awaitTopology(String ns, String name, long minEpoch) {
    return await()
        .atMost(WAIT)
        .until(() -> topology(ns, name), t -> t != null && t.epoch() >= minEpoch);
  }

  Topology topology(String ns, String name) {
    ConfigMap map = topologyConfigMap(ns, name);
    if (map == null
        || client.secrets().inNamespace(ns).withName(name + "-operator-identity").get() == null) {
      return null;
    }
    byte[] document = map.getData().get("topology.json").getBytes(StandardCharsets.UTF_8);
    try {
      return new TopologyVerifier(operatorKey(ns, name)).verify(document);
    } catch (dev.betanet.protocol.topology.TopologyException e) {
      throw new AssertionError("topology does not verify: " + e.getMessage(), e);
    }
  }

  ConfigMap topologyConfigMap(String ns, String name) {
    return client.configMaps().inNamespace(ns).withName(name + "-topology").get();
  }

  Key32 operatorKey(String ns, String name) {
    Secret identity = client.secrets().inNamespace(ns).withName(name + "-operator-identity").get();
    byte[] privateKey = Base64.getDecoder().decode(identity.getData().get("ed25519.key"));
    return dev.betanet.protocol.topology.Ed25519Keys.publicOf(privateKey);
  }

  NodeKeys nodeKeys(String ns, String nodeId) {
    try {
      Secret secret = client.secrets().inNamespace(ns).withName(nodeId + "-keys").get();
      return NodeKeysFile.read(Base64.getDecoder().decode(secret.getData().get("keys.json")));
    } catch (Exception e) {
      throw new AssertionError("keys of " + nodeId + " unreadable: " + e.getMessage(), e);
    }
  }

  String secretFile(String ns, String secret, String key) {
    return new String(
        Base64.getDecoder()
            .decode(client.secrets().inNamespace(ns).withName(secret).get().getData().get(key)),
        StandardCharsets.UTF_8);
  }

  List<StatefulSet> statefulSets(String ns) {
    return client.apps().statefulSets().inNamespace(ns).list().getItems();
  }

  void markReady(StatefulSet set) {
    client
        .apps()
        .statefulSets()
        .inNamespace(set.getMetadata().getNamespace())
        .withName(set.getMetadata().getName())
        .editStatus(
            s -> {
              s.setStatus(
                  new StatefulSetStatusBuilder().withReplicas(1).withReadyReplicas(1).build());
              return s;
            });
  }

  /**
   * Plays kubelet for a router pod: the pod named as the operator's StatefulSet would name it, with
   * its labels, IP 127.0.0.1 and the management port at {@code managementPort}.
   */
  void routerPod(String ns, String cluster, String pod, int managementPort) {
    nodePod(ns, cluster, "router", pod, managementPort);
  }

  /** Plays kubelet for a mixnode pod, as {@link #routerPod} does for a router. */
  void mixnodePod(String ns, String cluster, String pod, int managementPort) {
    nodePod(ns, cluster, "mixnode", pod, managementPort);
  }

  private void nodePod(String ns, String cluster, String component, String pod, int port) {
    var labels =
        new dev.betanet.operator.model.ClusterNames(cluster, ns)
            .nodeLabels(component, pod.substring(0, pod.length() - 2));
    client
        .resource(
            new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName(pod)
                .withNamespace(ns)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(component)
                .withImage("betanet/" + component + ":test")
                .addNewPort()
                .withName("management")
                .withContainerPort(port)
                .endPort()
                .endContainer()
                .endSpec()
                .build())
        .create();
    client
        .pods()
        .inNamespace(ns)
        .withName(pod)
        .editStatus(
            p -> {
              p.setStatus(
                  new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                      .withPhase("Running")
                      .withPodIP("127.0.0.1")
                      .build());
              return p;
            });
  }

  /** Moves a router pod's management port, as a new pod of the StatefulSet would. */
  void moveManagementPort(String ns, String pod, int managementPort) {
    client
        .pods()
        .inNamespace(ns)
        .withName(pod)
        .edit(
            p -> {
              p.getSpec().getContainers().getFirst().getPorts().stream()
                  .filter(port -> "management".equals(port.getName()))
                  .forEach(port -> port.setContainerPort(managementPort));
              return p;
            });
  }

  dev.betanet.operator.crd.CanaryStatus canary(String ns, String name) {
    MixnetCluster cluster = cluster(ns, name);
    return cluster == null || cluster.getStatus() == null ? null : cluster.getStatus().canary;
  }

  /** Events with their type and message, e.g. {@code Warning CanaryRolledBack: ...}. */
  List<String> eventLines(String ns) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .map(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage())
        .toList();
  }

  MixnetCluster cluster(String ns, String name) {
    return client.resources(MixnetCluster.class).inNamespace(ns).withName(name).get();
  }

  io.fabric8.kubernetes.api.model.Condition condition(String ns, String name, String type) {
    var status = cluster(ns, name).getStatus();
    assertThat(status).isNotNull();
    return Conditions.find(status.conditions, type)
        .orElseThrow(() -> new AssertionError("no " + type));
  }

  List<String> events(String ns) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }

  /** resourceVersion of every owned object except the topology ConfigMap. */
  Map<String, String> resourceVersions(String ns) {
    return ownedObjects(ns).stream()
        .filter(o -> !o.getMetadata().getName().endsWith("-topology"))
        .collect(
            Collectors.toMap(
                o -> o.getKind() + "/" + o.getMetadata().getName(),
                o -> o.getMetadata().getResourceVersion()));
  }

  List<HasMetadata> ownedObjects(String ns) {
    List<HasMetadata> all = new java.util.ArrayList<>();
    all.addAll(statefulSets(ns));
    all.addAll(client.secrets().inNamespace(ns).list().getItems());
    all.addAll(
        client.configMaps().inNamespace(ns).withLabel("betanet.dev/cluster").list().getItems());
    all.addAll(client.services().inNamespace(ns).list().getItems());
    all.addAll(
        client
            .serviceAccounts()
            .inNamespace(ns)
            .withLabel("betanet.dev/cluster")
            .list()
            .getItems());
    all.addAll(client.rbac().roles().inNamespace(ns).list().getItems());
    all.addAll(client.rbac().roleBindings().inNamespace(ns).list().getItems());
    all.addAll(client.network().v1().networkPolicies().inNamespace(ns).list().getItems());
    all.addAll(client.policy().v1().podDisruptionBudget().inNamespace(ns).list().getItems());
    assertThat(all).hasSizeGreaterThan(20);
    return all;
  }
}
