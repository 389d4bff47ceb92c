package dev.betanet.local.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Kubelet for this machine only, the process lifecycle part: runs every pod in the API as local
 * processes, each pod on its own loopback address ({@link LoopbackAddresses}) with its Secret and
 * ConfigMap volumes as files ({@link PodVolumes}). A pod's containers start once its volumes are
 * complete ({@link ContainerLauncher}); each pass ticks every process (restart after an exit,
 * readiness probe); a pod that is deleted or replaced (new uid) has its processes stopped. What
 * runs is reported in the pods' status by {@link PodStatusWriter}.
 */
final class LocalKubelet {

  private static final Logger LOG = Logger.getLogger(LocalKubelet.class.getName());

  private final KubernetesClient client;
  private final LoopbackAddresses addresses;
  private final Path podsDir;
  private final ContainerLauncher launcher;
  private final PodStatusWriter statusWriter;
  private final Map<String, LocalPod> running = new ConcurrentHashMap<>();

  LocalKubelet(
      KubernetesClient client,
      ImageCatalog images,
      LoopbackAddresses addresses,
      ClusterDns dns,
      Path podsDir,
      ServiceAccountCredentials credentials) {
    this.client = client;
    this.addresses = addresses;
    this.podsDir = podsDir;
    this.launcher = new ContainerLauncher(client, images, dns, credentials);
    this.statusWriter = new PodStatusWriter(client);
  }

  /** One pass: start what is new, stop what is gone, tick every process, report status. */
  void sync(List<Pod> pods, Instant now) {
    Map<String, Pod> byKey = new HashMap<>();
    pods.forEach(p -> byKey.put(WorkloadController.key(p.getMetadata()), p));
    for (String key : List.copyOf(running.keySet())) {
      Pod pod = byKey.get(key);
      LocalPod local = running.get(key);
      if (pod == null || !Objects.equals(pod.getMetadata().getUid(), local.uid)) {
        LOG.info(key + ": pod deleted, stopping its processes");
        running.remove(key).stop();
        statusWriter.forget(key);
      }
    }
    for (Pod pod : pods) {
      String key = WorkloadController.key(pod.getMetadata());
      try {
        syncPod(pod, key, now);
      } catch (IOException | RuntimeException e) {
        LOG.warning(key + ": " + e.getMessage());
      }
    }
  }

  private void syncPod(Pod pod, String key, Instant now) throws IOException {
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    LocalPod local =
        running.computeIfAbsent(
            key,
            k ->
                new LocalPod(
                    addresses.of(namespace, name),
                    new PodVolumes(client, podDir(namespace, name)),
                    pod.getMetadata().getUid(),
                    now.truncatedTo(ChronoUnit.SECONDS)));
    PodVolumes.Result volumes = local.volumes.sync(pod);
    if (!local.started()) {
      if (!volumes.complete()) {
        local.waitingReason = "ContainerCreating";
        local.waitingMessage = "waiting for " + String.join(", ", volumes.missing());
      } else {
        launcher.start(pod, local, volumes, podDir(namespace, name));
      }
    }
    local.containers.values().forEach(c -> c.tick(now));
    statusWriter.write(pod, local, now);
  }

  private Path podDir(String namespace, String name) {
    return podsDir.resolve(namespace + "_" + name);
  }

  /** The address of a pod this kubelet runs, if it runs it. */
  Optional<String> ipOf(String namespace, String name) {
    return Optional.ofNullable(running.get(namespace + "/" + name)).map(p -> p.ip);
  }

  /** The process of a pod's container, for tests that crash it. */
  Optional<ProcessHandle> processOf(String namespace, String pod, String container) {
    LocalPod local = running.get(namespace + "/" + pod);
    if (local == null || !local.containers.containsKey(container)) {
      return Optional.empty();
    }
    return local.containers.get(container).handle();
  }

  /** Stops every pod's processes (the runtime is stopping; the API objects stay). */
  void stopAll() {
    List<LocalPod> all = new ArrayList<>(running.values());
    running.clear();
    all.parallelStream().forEach(LocalPod::stop);
  }
}
