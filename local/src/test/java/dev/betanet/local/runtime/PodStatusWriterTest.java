package dev.betanet.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.local.api.EmbeddedApiServer;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status half of the local kubelet, against the embedded Kubernetes API. */
class PodStatusWriterTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir Path dir;
  private EmbeddedApiServer api;
  private KubernetesClient client;

  @BeforeEach
  void start() throws Exception {
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  @Test
  void aPodWhoseImageCannotRunHereIsPendingWithTheReason() throws Exception {
    Pod pod = create("elsewhere", "nginx:1.27");
    LocalPod local = new LocalPod("127.0.1.9", new PodVolumes(client, dir), "uid", T0);
    ContainerLauncher launcher =
        new ContainerLauncher(
            client,
            new ImageCatalog(dir),
            new ClusterDns(dir.resolve("hosts")),
            (namespace, account, podDir) -> podDir.resolve("kubeconfig"));

    launcher.start(pod, local, local.volumes.sync(pod), dir.resolve("pod"));
    new PodStatusWriter(client).write(pod, local, T0);

    Pod stored = client.pods().inNamespace("ns").withName("elsewhere").get();
    assertThat(stored.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(stored.getStatus().getPodIP()).isEqualTo("127.0.1.9");
    assertThat(PodStatusWriter.isReady(stored)).isFalse();
    ContainerStatus container = stored.getStatus().getContainerStatuses().getFirst();
    assertThat(container.getReady()).isFalse();
    assertThat(container.getState().getWaiting().getReason()).isEqualTo("ImageNotRunnableLocally");
    assertThat(container.getState().getWaiting().getMessage()).endsWith("not nginx:1.27");
  }

  @Test
  void writesOnlyWhenTheStatusChanged() {
    create("quiet", "betanet/mixnode:dev");
    PodStatusWriter writer = new PodStatusWriter(client);
    LocalPod local = new LocalPod("127.0.1.10", new PodVolumes(client, dir), "uid", T0);

    assertThat(writer.write(get("quiet"), local, T0)).isTrue();
    String afterFirst = get("quiet").getMetadata().getResourceVersion();
    assertThat(writer.write(get("quiet"), local, T0.plusSeconds(1)))
        .as("nothing changed: nothing written")
        .isFalse();

    local.waitingMessage = "waiting for secret keys";
    assertThat(writer.write(get("quiet"), local, T0.plusSeconds(2))).isTrue();
    Pod changed = get("quiet");
    assertThat(changed.getMetadata().getResourceVersion()).isNotEqualTo(afterFirst);
    assertThat(changed.getStatus().getContainerStatuses().getFirst().getState().getWaiting())
        .satisfies(w -> assertThat(w.getReason()).isEqualTo("ContainerCreating"))
        .satisfies(w -> assertThat(w.getMessage()).isEqualTo("waiting for secret keys"));
  }

  private Pod create(String name, String image) {
    return client
        .pods()
        .inNamespace("ns")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("ns")
                .withLabels(Map.of("app", name))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withImage(image)
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  private Pod get(String name) {
    return client.pods().inNamespace("ns").withName(name).get();
  }
}
