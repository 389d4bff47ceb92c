package dev.betanet.local.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Turns a pod's containers into local processes (one per container, see {@link ImageCatalog}): the
 * command for the image, the environment (literal values, pod fields, Secret and ConfigMap keys,
 * the in-cluster kubeconfig), with paths that point into a volume mount rewritten to the volume's
 * directory, since a process cannot see the container's mount paths, and the readiness probe at the
 * pod's address.
 */
final class ContainerLauncher {

  private static final Logger LOG = Logger.getLogger(ContainerLauncher.class.getName());

  private final KubernetesClient client;
  private final ImageCatalog images;
  private final ClusterDns dns;
  private final ServiceAccountCredentials credentials;

  ContainerLauncher(
      KubernetesClient client,
      ImageCatalog images,
      ClusterDns dns,
      ServiceAccountCredentials credentials) {
    this.client = client;
    this.images = images;
    this.dns = dns;
    this.credentials = credentials;
  }

  /**
   * Starts every container of {@code pod} into {@code local}; when one image cannot run here,
   * starts none and says why in {@code local}'s waiting reason.
   */
  void start(Pod pod, LocalPod local, PodVolumes.Result volumes, Path podDir) throws IOException {
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    Path tmp = Files.createDirectories(podDir.resolve("tmp"));
    Path kubeconfig =
        mountsToken(pod) ? credentials.kubeconfig(namespace, account(pod), podDir) : null;
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
      if (kubeconfig != null) {
        // In a cluster kubelet gives such a pod the API's address and its account's token; here
        // a kubeconfig holds both.
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
          String value = value(var, pod, local.ip);
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
              podDir.resolve(container.getName() + ".log"),
              podDir.resolve(container.getName() + ".pid"),
              probe(container, local.ip)));
    }
    local.containers.putAll(started);
  }

  private static String account(Pod pod) {
    String name = pod.getSpec().getServiceAccountName();
    return name == null || name.isEmpty() ? "default" : name;
  }

  /**
   * Whether the pod gets its service account's token: the pod's {@code
   * automountServiceAccountToken} decides, else the service account's, else it does.
   */
  private boolean mountsToken(Pod pod) {
    if (pod.getSpec().getAutomountServiceAccountToken() != null) {
      return pod.getSpec().getAutomountServiceAccountToken();
    }
    var account =
        client
            .serviceAccounts()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(account(pod))
            .get();
    return account == null || !Boolean.FALSE.equals(account.getAutomountServiceAccountToken());
  }

  private static String key(Pod pod) {
    return WorkloadController.key(pod.getMetadata());
  }

  /** A literal value, a field of the pod, or a key of a Secret or ConfigMap. */
  private String value(EnvVar var, Pod pod, String ip) {
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
        case "status.podIP", "status.hostIP" -> ip;
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
}
