package dev.betanet.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.model.ClusterNames;
import dev.betanet.operator.model.MixnodeModel;
import dev.betanet.operator.model.NodePods;
import dev.betanet.operator.model.RouterModel;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The PodMonitors select the pods that really run: the router and mixnode pods the operator's model
 * builds (from the example MixnetCluster) and the operator Deployment of k8s/install, each with a
 * container port of the monitored name on the management port.
 */
class PodMonitorTargetsTest {

  private static final Path POD_MONITORS = MonitoringFiles.DIR.resolve("podmonitors.yaml");

  @Test
  void routerMonitorSelectsRouterPodsAndOnlyThem() throws IOException {
    MixnetCluster cluster = exampleCluster();
    PodTemplateSpec router =
        RouterModel.from(cluster).statefulSets().get(0).getSpec().getTemplate();
    PodTemplateSpec mixnode =
        MixnodeModel.from(cluster).statefulSets().get(0).getSpec().getTemplate();
    JsonNode spec = podMonitor("betanet-router");

    assertSelects(spec, router);
    assertThat(selects(spec, mixnode)).as("router PodMonitor selects a mixnode pod").isFalse();
    assertClusterLabelFromPod(spec, router);
    assertThat(spec.path("namespaceSelector").path("any").asBoolean()).isTrue();
  }

  @Test
  void mixnodeMonitorSelectsMixnodePodsAndOnlyThem() throws IOException {
    MixnetCluster cluster = exampleCluster();
    PodTemplateSpec router =
        RouterModel.from(cluster).statefulSets().get(0).getSpec().getTemplate();
    PodTemplateSpec mixnode =
        MixnodeModel.from(cluster).statefulSets().get(0).getSpec().getTemplate();
    JsonNode spec = podMonitor("betanet-mixnode");

    assertSelects(spec, mixnode);
    assertThat(selects(spec, router)).as("mixnode PodMonitor selects a router pod").isFalse();
    assertClusterLabelFromPod(spec, mixnode);
    assertThat(spec.path("namespaceSelector").path("any").asBoolean()).isTrue();
  }

  @Test
  void operatorMonitorSelectsTheOperatorDeployment() throws IOException {
    Deployment operator;
    try (InputStream in = Files.newInputStream(MonitoringFiles.OPERATOR_DEPLOYMENT)) {
      operator = Serialization.unmarshal(in, Deployment.class);
    }
    JsonNode spec = podMonitor("betanet-operator");

    assertSelects(spec, operator.getSpec().getTemplate());
    assertThat(spec.path("namespaceSelector").path("matchNames").toString())
        .contains("\"" + operator.getMetadata().getNamespace() + "\"");
    // Operator series name the MixnetCluster's own namespace and cluster; keep them.
    assertThat(spec.path("podMetricsEndpoints").get(0).path("honorLabels").asBoolean()).isTrue();
  }

  /** Selector labels on the pod, and the endpoint's port name on a container at port 9000. */
  private static void assertSelects(JsonNode spec, PodTemplateSpec pod) {
    assertThat(selects(spec, pod))
        .as(
            "selector %s matches pod labels %s",
            spec.path("selector"), pod.getMetadata().getLabels())
        .isTrue();
    String port = spec.path("podMetricsEndpoints").get(0).path("port").asText();
    Optional<ContainerPort> named =
        pod.getSpec().getContainers().stream()
            .flatMap(c -> c.getPorts().stream())
            .filter(p -> port.equals(p.getName()))
            .findFirst();
    assertThat(named).as("container port named %s", port).isPresent();
    assertThat(named.get().getContainerPort()).isEqualTo(NodePods.MANAGEMENT_PORT);
  }

  private static boolean selects(JsonNode spec, PodTemplateSpec pod) {
    JsonNode matchLabels = spec.path("selector").path("matchLabels");
    assertThat(matchLabels.size()).as("selector.matchLabels").isPositive();
    assertThat(spec.path("selector").has("matchExpressions")).isFalse();
    Map<String, String> labels = pod.getMetadata().getLabels();
    for (Map.Entry<String, JsonNode> entry : matchLabels.properties()) {
      if (!entry.getValue().asText().equals(labels.get(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** Rules group by {@code cluster}: it must come from the pod label the operator sets. */
  private static void assertClusterLabelFromPod(JsonNode spec, PodTemplateSpec pod) {
    assertThat(pod.getMetadata().getLabels()).containsKey(ClusterNames.LABEL_CLUSTER);
    String source =
        "__meta_kubernetes_pod_label_"
            + ClusterNames.LABEL_CLUSTER.replaceAll("[^a-zA-Z0-9_]", "_");
    boolean found = false;
    for (JsonNode relabel : spec.path("podMetricsEndpoints").get(0).path("relabelings")) {
      if ("cluster".equals(relabel.path("targetLabel").asText())) {
        assertThat(relabel.path("sourceLabels").toString()).contains("\"" + source + "\"");
        found = true;
      }
    }
    assertThat(found).as("a relabeling that sets `cluster`").isTrue();
  }

  private static JsonNode podMonitor(String name) throws IOException {
    List<HasMetadata> objects;
    try (InputStream in = Files.newInputStream(POD_MONITORS)) {
      Object parsed = Serialization.unmarshal(in);
      objects = ((List<?>) parsed).stream().map(HasMetadata.class::cast).toList();
    }
    GenericKubernetesResource monitor =
        objects.stream()
            .filter(o -> "PodMonitor".equals(o.getKind()) && name.equals(o.getMetadata().getName()))
            .map(GenericKubernetesResource.class::cast)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no PodMonitor " + name + " in " + POD_MONITORS));
    return KustomizeRenderTest.spec(monitor);
  }

  private static MixnetCluster exampleCluster() throws IOException {
    try (InputStream in = Files.newInputStream(MonitoringFiles.EXAMPLE_CLUSTER)) {
      MixnetCluster cluster = Serialization.unmarshal(in, MixnetCluster.class);
      cluster.getMetadata().setNamespace("mixnet");
      return cluster;
    }
  }
}
