package dev.betanet.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl kustomize k8s/monitoring} renders what docs/operations.md promises: the
 * PrometheusRule with the rules file's groups, a PodMonitor each for the operator, routers and
 * mixnodes on the management port, and the dashboard as a ConfigMap Grafana's sidecar picks up.
 */
class KustomizeRenderTest {

  private static final String MONITORING_API = "monitoring.coreos.com/v1";
  private static List<HasMetadata> objects;

  @BeforeAll
  static void render() throws Exception {
    String yaml = Tool.KUBECTL.ok(MonitoringFiles.ROOT, List.of("kustomize", "k8s/monitoring"));
    Object parsed =
        Serialization.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    objects =
        parsed instanceof KubernetesList list
            ? list.getItems()
            : parsed instanceof List<?> items
                ? items.stream().map(HasMetadata.class::cast).toList()
                : List.of((HasMetadata) parsed);
  }

  @Test
  void rendersExactlyTheRuleTheMonitorsAndTheDashboard() {
    assertThat(objects)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "PrometheusRule/betanet-alerts",
            "PodMonitor/betanet-operator",
            "PodMonitor/betanet-router",
            "PodMonitor/betanet-mixnode",
            "ConfigMap/betanet-dashboard");
    assertThat(objects)
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("betanet-system"));
  }

  @Test
  void prometheusRuleCarriesTheRulesFileGroups() {
    GenericKubernetesResource rule = generic("PrometheusRule", "betanet-alerts");
    JsonNode spec = MonitoringFiles.JSON.valueToTree(rule.getAdditionalProperties().get("spec"));
    assertThat(spec.path("groups"))
        .isEqualTo(MonitoringFiles.yaml(MonitoringFiles.RULES).path("groups"));
  }

  @Test
  void dashboardConfigMapIsLabelledForGrafanaAndHoldsTheDashboard() throws Exception {
    ConfigMap dashboard =
        objects.stream()
            .filter(ConfigMap.class::isInstance)
            .map(ConfigMap.class::cast)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no ConfigMap rendered"));
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(dashboard.getData()).containsOnlyKeys("betanet.json");
    assertThat(MonitoringFiles.JSON.readTree(dashboard.getData().get("betanet.json")))
        .isEqualTo(MonitoringFiles.JSON.readTree(Files.readString(MonitoringFiles.DASHBOARD)));
  }

  @Test
  void podMonitorsScrapeTheManagementPortAndSetTheJob() {
    for (String name : List.of("betanet-operator", "betanet-router", "betanet-mixnode")) {
      JsonNode spec = spec(generic("PodMonitor", name));
      JsonNode endpoints = spec.path("podMetricsEndpoints");
      assertThat(endpoints).as("%s endpoints", name).hasSize(1);
      JsonNode endpoint = endpoints.get(0);
      assertThat(endpoint.path("port").asText()).as("%s port", name).isEqualTo("management");
      assertThat(endpoint.path("path").asText()).as("%s path", name).isEqualTo("/q/metrics");
      // The alert rules select targets by these job names (BetanetOperatorDown, BetanetNodeDown).
      boolean setsJob = false;
      for (JsonNode relabel : endpoint.path("relabelings")) {
        setsJob |=
            "job".equals(relabel.path("targetLabel").asText())
                && name.equals(relabel.path("replacement").asText())
                && !relabel.has("sourceLabels");
      }
      assertThat(setsJob).as("%s: a relabeling that sets job=%s", name, name).isTrue();
    }
  }

  static GenericKubernetesResource generic(String kind, String name) {
    return objects.stream()
        .filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name))
        .map(
            o -> {
              assertThat(o).as("%s/%s", kind, name).isInstanceOf(GenericKubernetesResource.class);
              assertThat(o.getApiVersion()).as("%s/%s", kind, name).isEqualTo(MONITORING_API);
              return (GenericKubernetesResource) o;
            })
        .findFirst()
        .orElseThrow(() -> new AssertionError("not rendered: " + kind + "/" + name));
  }

  static JsonNode spec(GenericKubernetesResource resource) {
    Map<String, Object> properties = resource.getAdditionalProperties();
    return MonitoringFiles.JSON.valueToTree(properties.get("spec"));
  }
}
