package dev.betanet.local.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Reports what {@link LocalKubelet} runs in each pod's status, as kubelet does: phase, pod IP,
 * conditions ({@code PodScheduled}, {@code Initialized}, {@code ContainersReady}, {@code Ready}
 * with the time readiness last changed) and per container {@code ready}, {@code restartCount},
 * {@code state} ({@code running}, or {@code waiting} with why) and the last exit code. Writes only
 * when the status changed, so a quiet cluster makes no API traffic.
 */
final class PodStatusWriter {

  private static final Logger LOG = Logger.getLogger(PodStatusWriter.class.getName());

  /** What was last written for one pod, and since when its readiness holds. */
  private static final class Written {
    PodStatus status;
    boolean ready;
    Instant readySince;
  }

  private final KubernetesClient client;
  private final Map<String, Written> written = new ConcurrentHashMap<>();

  PodStatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /** Whether {@code pod}'s status has condition {@code Ready=True}. */
  static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * Writes {@code pod}'s status from {@code local} if it changed.
   *
   * @return whether a status was sent to the API
   */
  boolean write(Pod pod, LocalPod local, Instant now) {
    String key = WorkloadController.key(pod.getMetadata());
    Written last = written.computeIfAbsent(key, k -> new Written());
    boolean ready = local.ready();
    if (ready != last.ready || last.readySince == null) {
      last.readySince = now.truncatedTo(ChronoUnit.SECONDS);
      last.ready = ready;
    }
    PodStatus status = status(pod, local, ready, last.readySince);
    if (status.equals(last.status) && status.equals(pod.getStatus())) {
      return false;
    }
    pod.setStatus(status);
    pod.getMetadata().setResourceVersion(null);
    try {
      client.pods().resource(pod).updateStatus();
      last.status = status;
    } catch (KubernetesClientException e) {
      LOG.fine(() -> key + ": status not written: " + e.getMessage());
    }
    return true;
  }

  /** Forgets a pod that no longer runs here. */
  void forget(String key) {
    written.remove(key);
  }

  private static PodStatus status(Pod pod, LocalPod local, boolean ready, Instant readySince) {
    List<ContainerStatus> containers = new ArrayList<>();
    for (Container container : pod.getSpec().getContainers()) {
      containers.add(containerStatus(container, local));
    }
    String since = readySince.toString();
    List<PodCondition> conditions =
        List.of(
            condition("PodScheduled", true, local.startTime.toString()),
            condition("Initialized", true, local.startTime.toString()),
            condition("ContainersReady", ready, since),
            condition("Ready", ready, since));
    return new PodStatusBuilder()
        .withPhase(local.started() ? "Running" : "Pending")
        .withPodIP(local.ip)
        .withPodIPs(new PodIP(local.ip))
        .withHostIP("127.0.0.1")
        .withStartTime(local.startTime.toString())
        .withConditions(conditions)
        .withContainerStatuses(containers)
        .build();
  }

  private static ContainerStatus containerStatus(Container container, LocalPod local) {
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
    return status.build();
  }

  private static PodCondition condition(String type, boolean status, String since) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withLastTransitionTime(since)
        .build();
  }
}
