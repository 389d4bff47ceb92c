package dev.betanet.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file_sd target files the local runtime keeps for Prometheus. */
class PrometheusTargetsTest {

  @TempDir Path dir;

  @Test
  void eachJobListsItsRunningPodsManagementPortsWithTheirLabels() throws Exception {
    PrometheusTargets targets = new PrometheusTargets(dir);
    targets.sync(
        List.of(
            pod("default", "demo-router-0-0", "router", "127.0.1.5", 9000),
            pod("default", "demo-mix-0-0-0", "mixnode", "127.0.1.6", 9000),
            pod("default", "demo-mix-0-1-0", "mixnode", null, 9000),
            pod("default", "echo-0", null, "127.0.1.7", 9000)));

    JsonNode routers = read(PrometheusTargets.ROUTER_JOB);
    assertThat(routers).hasSize(1);
    assertThat(routers.get(0).path("targets").get(0).asText()).isEqualTo("127.0.1.5:9000");
    assertThat(routers.get(0).path("labels").path("pod").asText()).isEqualTo("demo-router-0-0");
    assertThat(routers.get(0).path("labels").path("namespace").asText()).isEqualTo("default");
    assertThat(routers.get(0).path("labels").path("cluster").asText()).isEqualTo("demo");
    assertThat(read(PrometheusTargets.MIXNODE_JOB))
        .as("a pod without an IP yet is not a target; echo has no job")
        .hasSize(1);
    assertThat(read(PrometheusTargets.OPERATOR_JOB)).isEmpty();

    targets.sync(List.of());
    assertThat(read(PrometheusTargets.ROUTER_JOB)).isEmpty();
  }

  private JsonNode read(String job) throws Exception {
    return new ObjectMapper().readTree(Files.readString(PrometheusTargets.file(dir, job)));
  }

  private static Pod pod(String ns, String name, String component, String ip, int port) {
    Map<String, String> labels =
        component == null
            ? Map.of("app", name)
            : Map.of("app.kubernetes.io/component", component, "betanet.dev/cluster", "demo");
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .addNewPort()
        .withName("management")
        .withContainerPort(port)
        .endPort()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPodIP(ip)
        .endStatus()
        .build();
  }
}
