package dev.betanet.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.local.api.EmbeddedApiServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The StatefulSet half of the local controllers, against the embedded Kubernetes API. */
class WorkloadControllerTest {

  private EmbeddedApiServer api;
  private KubernetesClient client;
  private WorkloadController controller;

  @BeforeEach
  void start() throws Exception {
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    controller = new WorkloadController(client);
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  @Test
  void aTemplateWrittenAgainWithItsLabelsInAnotherOrderKeepsItsPod() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("betanet.dev/cluster", "demo");
    labels.put("app.kubernetes.io/component", "mixnode");
    labels.put("betanet.dev/node", "demo-mix-0-0");
    client.resource(statefulSet(labels, "mixnode:1")).create();
    String uid = syncedPod().getMetadata().getUid();

    client.resource(statefulSet(reversed(labels), "mixnode:1")).update();
    StatefulSet stored =
        client.apps().statefulSets().inNamespace("ns").withName("demo-mix-0-0").get();
    assertThat(List.copyOf(stored.getSpec().getTemplate().getMetadata().getLabels().keySet()))
        .as("stored in the new order")
        .containsExactlyElementsOf(reversed(labels).keySet());
    assertThat(syncedPod().getMetadata().getUid()).as("the same pod").isEqualTo(uid);

    client.resource(statefulSet(labels, "mixnode:2")).update();
    assertThat(syncedPod().getMetadata().getUid())
        .as("a changed template replaces the pod")
        .isNotEqualTo(uid);
  }

  private Pod syncedPod() {
    controller.sync(client.pods().inAnyNamespace().list().getItems());
    return client.pods().inNamespace("ns").withName("demo-mix-0-0-0").get();
  }

  private static StatefulSet statefulSet(Map<String, String> labels, String image) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName("demo-mix-0-0")
        .withNamespace("ns")
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withServiceName("demo-mixnodes")
        .withNewSelector()
        .withMatchLabels(labels)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("mixnode")
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Map<String, String> reversed(Map<String, String> map) {
    Map<String, String> reversed = new LinkedHashMap<>();
    for (String key : new ArrayList<>(map.keySet()).reversed()) {
      reversed.put(key, map.get(key));
    }
    return reversed;
  }
}
