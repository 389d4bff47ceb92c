package dev.betanet.local.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Keeps Prometheus's file-based service discovery current with the pods the local runtime runs: one
 * target file per job, listing every running pod's management port ({@code <podIP>:<port>}, the
 * container port named {@code management}) with the labels the PodMonitors in k8s/monitoring give
 * on a cluster ({@code namespace}, {@code pod}, {@code cluster}), so the alert rules, the dashboard
 * and the operator's {@code prometheus} canary provider work unchanged. A file is rewritten only
 * when its targets change, whole and then renamed, so Prometheus never reads half of one.
 */
public final class PrometheusTargets {

  public static final String ROUTER_JOB = "betanet-router";
  public static final String MIXNODE_JOB = "betanet-mixnode";
  public static final String OPERATOR_JOB = "betanet-operator";

  /** Every job a target file is kept for, in the order the Prometheus config lists them. */
  public static final List<String> JOBS = List.of(ROUTER_JOB, MIXNODE_JOB, OPERATOR_JOB);

  private static final String MANAGEMENT = "management";
  private static final String COMPONENT = "app.kubernetes.io/component";
  private static final String NAME = "app.kubernetes.io/name";
  private static final String CLUSTER = "betanet.dev/cluster";

  private final Path dir;
  private final Map<String, String> written = new TreeMap<>();

  /** Target files go into {@code dir}, one {@code <job>.json} per job. */
  public PrometheusTargets(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
    sync(List.of());
  }

  public static Path file(Path dir, String job) {
    return dir.resolve(job + ".json");
  }

  /** Rewrites the target files that {@code pods} change. */
  public synchronized void sync(List<Pod> pods) throws IOException {
    for (String job : JOBS) {
      String json = targetGroups(pods, job);
      if (!json.equals(written.get(job))) {
        Path next = dir.resolve(job + ".json.next");
        Files.writeString(next, json);
        Files.move(
            next,
            file(dir, job),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        written.put(job, json);
      }
    }
  }

  /** The file_sd JSON of {@code job}: one target group per pod, sorted by namespace and name. */
  static String targetGroups(List<Pod> pods, String job) {
    return pods.stream()
        .filter(p -> job.equals(job(p)))
        .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
        .sorted(
            (a, b) ->
                (a.getMetadata().getNamespace() + "/" + a.getMetadata().getName())
                    .compareTo(b.getMetadata().getNamespace() + "/" + b.getMetadata().getName()))
        .flatMap(p -> managementPort(p).map(port -> group(p, port)).stream())
        .collect(Collectors.joining(",\n  ", "[\n  ", "\n]\n"));
  }

  private static String job(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    if (labels == null) {
      return null;
    }
    if ("betanet-operator".equals(labels.get(NAME))) {
      return OPERATOR_JOB;
    }
    return switch (labels.getOrDefault(COMPONENT, "")) {
      case "router" -> ROUTER_JOB;
      case "mixnode" -> MIXNODE_JOB;
      default -> null;
    };
  }

  private static String group(Pod pod, int port) {
    String cluster = pod.getMetadata().getLabels().get(CLUSTER);
    return "{\"targets\": [\""
        + pod.getStatus().getPodIP()
        + ":"
        + port
        + "\"], \"labels\": {\"namespace\": \""
        + pod.getMetadata().getNamespace()
        + "\", \"pod\": \""
        + pod.getMetadata().getName()
        + "\""
        + (cluster == null ? "" : ", \"cluster\": \"" + cluster + "\"")
        + "}}";
  }

  private static Optional<Integer> managementPort(Pod pod) {
    for (Container container : pod.getSpec().getContainers()) {
      for (ContainerPort port : Optional.ofNullable(container.getPorts()).orElse(List.of())) {
        if (MANAGEMENT.equals(port.getName()) && port.getContainerPort() != null) {
          return Optional.of(port.getContainerPort());
        }
      }
    }
    return Optional.empty();
  }
}
