package dev.betanet.local.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Kubelet for this machine only: runs every pod in the API as local processes (one per container,
 * see {@link ImageCatalog}), each pod on its own loopback address, with its Secret and ConfigMap
 * volumes as files ({@link PodVolumes}), and reports phase, IP, readiness and restarts in the pod's
 * status. Paths in the environment that point into a volume mount are rewritten to the volume's
 * directory, since a process cannot see the container's mount paths.
 */
final class LocalKubelet {

  private static final Logger LOG = Logger.getLogger(LocalKubelet.class.getName());

  /** One running pod. */
  private static final class RunningPod {
    final String ip;
    final PodVolumes volumes;
    final Map<String, ContainerProcess> containers = new LinkedHashMap<>();
    String uid;
    String waitingReason = "ContainerCreating";
    String waitingMessage = "";
    Instant startTime;
    PodStatus lastWritten;
    boolean wasReady;
    Instant readySince;

    RunningPod(String ip, PodVolumes volumes) {
      this.ip = ip;
      this.volumes = volumes;
    }
  }

  private final KubernetesClient client;
  private final ImageCatalog images;
  private final LoopbackAddresses addresses;
  private final ClusterDns dns;
  private final Path podsDir;
  private final Path kubeconfig;
  private final Map<String, RunningPod> running = new ConcurrentHashMap<>();

  LocalKubelet(
      KubernetesClient client,
      ImageCatalog images,
      LoopbackAddresses addresses,
      ClusterDns dns,
      Path podsDir,
      Path kubeconfig) {
    this.client = client;
    this.images = images;
    this.addresses = addresses;
    this.dns = dns;
    this.podsDir = podsDir;
    this.kubeconfig = kubeconfig;
  }

  static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** One pass: start what is new, stop what is gone, tick every process, report status. */
  void sync(List<Pod> pods, Instant now) {
    Map<String, Pod> byKey = new HashMap<>();
    pods.forEach(p -> byKey.put(WorkloadController.key(p.getMetadata()), p));
    for (String key : List.copyOf(running.keySet())) {
      Pod pod = byKey.get(key);
      RunningPod local = running.get(key);
      if (pod == null || !Objects.equals(pod.getMetadata().getUid(), local.uid)) {
        LOG.info(key + ": pod deleted, stopping its processes");
        stop(running.remove(key));
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
    RunningPod local =
        running.computeIfAbsent(
            key,
            k -> {
              String ip = addresses.of(namespace, name);
              RunningPod created =
                  new RunningPod(ip, new PodVolumes(client, podDir(namespace, name)));
              created.uid = pod.getMetadata().getUid();
              created.startTime = now.truncatedTo(ChronoUnit.SECONDS);
              return created;
            });
    PodVolumes.Result volumes = local.volumes.sync(pod);
    if (local.containers.isEmpty()) {
      if (!volumes.complete()) {
        local.waitingReason = "ContainerCreating";
        local.waitingMessage = "waiting for " + String.join(", ", volumes.missing());
      } else {
        startContainers(pod, local, volumes);
      }
    }
    local.containers.values().forEach(c -> c.tick(now));
    writeStatus(pod, local, now);
  }

  private void startContainers(Pod pod, RunningPod local, PodVolumes.Result volumes)
      throws IOException {
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    Path dir = podDir(namespace, name);
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Map<String, ContainerProcess> started = new LinkedHashMap<>();
    for (Container container : pod.getSpec().getContainers()) {
      Optional<ImageCatalog.Launch> launch =
          images.launch(container, local.ip, dns.hostsFile(namespace), tmp);
      if (launch.isEmpty()) {
        local.waitingReason = "ImageNotRunnableLocally";
        local.waitingMessage =
            "the local runtime runs only betanet/* images and the example's echo server, not "
                + container.getImage();
        return;
      }
      Map<String, String> env = new LinkedHashMap<>();
      env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      env.put("HOSTNAME", name);
      if (!Boolean.FALSE.equals(pod.getSpec().getAutomountServiceAccountToken())
          && kubeconfig != null) {
        // In a cluster kubelet gives such a pod the API's address and a token; here the
        // in-cluster credentials are the local kubeconfig.
        env.put("KUBECONFIG", kubeconfig.toString());
      }
      Map<String, Path> mounts = new LinkedHashMap<>();
      if (container.getVolumeMounts() != null) {
        for (VolumeMount mount : container.getVolumeMounts()) {
          Path volumeDir = volumes.dirs().get(mount.getName());
          if (volumeDir != null) {
            mounts.put(mount.getMountPath(), volumeDir);
          }
        }
      }
      if (container.getEnv() != null) {
        for (EnvVar var : container.getEnv()) {
          String value = value(var, pod, local);
          if (value != null) {
            env.put(var.getName(), rewritePath(value, mounts));
          }
        }
      }
      env.putAll(launch.get().bindEnv());
      started.put(
          container.getName(),
          new ContainerProcess(
              key(pod) + "/" + container.getName(),
              launch.get().command(),
              env,
              dir.resolve(container.getName() + ".log"),
              dir.resolve(container.getName() + ".pid"),
              probe(container, local.ip)));
    }
    local.containers.putAll(started);
  }

  private static String key(Pod pod) {
    return WorkloadController.key(pod.getMetadata());
  }

  /** A literal value, a field of the pod, or a key of a Secret or ConfigMap. */
  private String value(EnvVar var, Pod pod, RunningPod local) {
    if (var.getValueFrom() == null) {
      return var.getValue() == null ? "" : var.getValue();
    }
    String namespace = pod.getMetadata().getNamespace();
    var from = var.getValueFrom();
    if (from.getFieldRef() != null) {
      return switch (from.getFieldRef().getFieldPath()) {
        case "metadata.name" -> pod.getMetadata().getName();
        case "metadata.namespace" -> namespace;
        case "metadata.uid" -> pod.getMetadata().getUid();
        case "status.podIP", "status.hostIP" -> local.ip;
        case "spec.nodeName" -> "local";
        default -> {
          LOG.warning(key(pod) + ": env " + var.getName() + " from an unsupported field");
          yield null;
        }
      };
    }
    if (from.getSecretKeyRef() != null) {
      var secret =
          client.secrets().inNamespace(namespace).withName(from.getSecretKeyRef().getName()).get();
      String encoded =
          secret == null || secret.getData() == null
              ? null
              : secret.getData().get(from.getSecretKeyRef().getKey());
      return encoded == null ? null : new String(Base64.getDecoder().decode(encoded));
    }
    if (from.getConfigMapKeyRef() != null) {
      var map =
          client
              .configMaps()
              .inNamespace(namespace)
              .withName(from.getConfigMapKeyRef().getName())
              .get();
      return map == null || map.getData() == null
          ? null
          : map.getData().get(from.getConfigMapKeyRef().getKey());
    }
    LOG.warning(key(pod) + ": env " + var.getName() + " has an unsupported source");
    return null;
  }

  /** {@code /etc/betanet/keys/keys.json} becomes {@code <pod dir>/volumes/keys/keys.json}. */
  static String rewritePath(String value, Map<String, Path> mounts) {
    for (Map.Entry<String, Path> mount : mounts.entrySet()) {
      String mountPath = mount.getKey();
      if (value.equals(mountPath)) {
        return mount.getValue().toString();
      }
      if (value.startsWith(mountPath.endsWith("/") ? mountPath : mountPath + "/")) {
        return mount
            .getValue()
            .resolve(value.substring(mountPath.length()).replaceFirst("^/", ""))
            .toString();
      }
    }
    return value;
  }

  /** The readiness probe's HTTP GET at the pod's address, or a TCP connect to the first port. */
  private static ContainerProcess.Probe probe(Container container, String ip) {
    if (container.getReadinessProbe() != null
        && container.getReadinessProbe().getHttpGet() != null) {
      HTTPGetAction get = container.getReadinessProbe().getHttpGet();
      int port = port(get.getPort(), container);
      return new ContainerProcess.HttpProbe(
          URI.create("http://" + ip + ":" + port + (get.getPath() == null ? "/" : get.getPath())));
    }
    List<ContainerPort> ports = container.getPorts() == null ? List.of() : container.getPorts();
    int port = ports.isEmpty() ? 8080 : ports.getFirst().getContainerPort();
    return new ContainerProcess.TcpProbe(ip, port);
  }

  private static int port(IntOrString port, Container container) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return container.getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .findFirst()
        .map(ContainerPort::getContainerPort)
        .orElseThrow(() -> new IllegalArgumentException("probe names unknown port " + port));
  }

  private void writeStatus(Pod pod, RunningPod local, Instant now) {
    boolean allReady =
        !local.containers.isEmpty()
            && local.containers.values().stream().allMatch(ContainerProcess::ready);
    if (allReady != local.wasReady || local.readySince == null) {
      local.readySince = now.truncatedTo(ChronoUnit.SECONDS);
      local.wasReady = allReady;
    }
    List<ContainerStatus> containers = new ArrayList<>();
    for (Container container : pod.getSpec().getContainers()) {
      ContainerProcess process = local.containers.get(container.getName());
      ContainerStatusBuilder status =
          new ContainerStatusBuilder()
              .withName(container.getName())
              .withImage(container.getImage())
              .withReady(process != null && process.ready())
              .withRestartCount(process == null ? 0 : process.restarts())
              .withStarted(process != null && process.running());
      if (process != null && process.running()) {
        status.withNewState().withNewRunning(process.startedAt().toString()).endState();
      } else if (process != null) {
        status
            .withNewState()
            .withNewWaiting()
            .withReason("CrashLoopBackOff")
            .withMessage("restarting after exit code " + process.lastExitCode())
            .endWaiting()
            .endState();
      } else {
        status
            .withNewState()
            .withNewWaiting()
            .withReason(local.waitingReason)
            .withMessage(local.waitingMessage)
            .endWaiting()
            .endState();
      }
      if (process != null && process.lastExitCode() != null) {
        status
            .withNewLastState()
            .withNewTerminated()
            .withExitCode(process.lastExitCode())
            .withReason("Error")
            .endTerminated()
            .endLastState();
      }
      containers.add(status.build());
    }
    String since = local.readySince.toString();
    List<PodCondition> conditions =
        List.of(
            condition("PodScheduled", true, local.startTime.toString()),
            condition("Initialized", true, local.startTime.toString()),
            condition("ContainersReady", allReady, since),
            condition("Ready", allReady, since));
    boolean started = !local.containers.isEmpty();
    PodStatus status =
        new PodStatusBuilder()
            .withPhase(started ? "Running" : "Pending")
            .withPodIP(local.ip)
            .withPodIPs(new PodIP(local.ip))
            .withHostIP("127.0.0.1")
            .withStartTime(local.startTime.toString())
            .withConditions(conditions)
            .withContainerStatuses(containers)
            .build();
    if (status.equals(local.lastWritten) && status.equals(pod.getStatus())) {
      return;
    }
    pod.setStatus(status);
    pod.getMetadata().setResourceVersion(null);
    try {
      client.pods().resource(pod).updateStatus();
      local.lastWritten = status;
    } catch (KubernetesClientException e) {
      LOG.fine(() -> key(pod) + ": status not written: " + e.getMessage());
    }
  }

  private static PodCondition condition(String type, boolean status, String since) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withLastTransitionTime(since)
        .build();
  }

  private Path podDir(String namespace, String name) {
    return podsDir.resolve(namespace + "_" + name);
  }

  private static void stop(RunningPod pod) {
    if (pod != null) {
      pod.containers.values().parallelStream().forEach(ContainerProcess::stop);
    }
  }

  /** The address of a pod this kubelet runs, if it runs it. */
  Optional<String> ipOf(String namespace, String name) {
    return Optional.ofNullable(running.get(namespace + "/" + name)).map(p -> p.ip);
  }

  /** The process of a pod's container, for tests that crash it. */
  Optional<ProcessHandle> processOf(String namespace, String pod, String container) {
    RunningPod local = running.get(namespace + "/" + pod);
    if (local == null || !local.containers.containsKey(container)) {
      return Optional.empty();
    }
    return local.containers.get(container).handle();
  }

  /** Stops every pod's processes (the runtime is stopping; the API objects stay). */
  void stopAll() {
    List<RunningPod> all = new ArrayList<>(running.values());
    running.clear();
    all.parallelStream().forEach(LocalKubelet::stop);
  }
}
