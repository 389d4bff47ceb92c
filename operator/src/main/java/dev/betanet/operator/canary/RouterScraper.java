package dev.betanet.operator.canary;

import dev.betanet.operator.analysis.MetricsScraper;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.model.ClusterNames;
import dev.betanet.operator.model.NodePods;
import dev.betanet.operator.model.RouterModel;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reads the metrics of every router of a cluster straight from its pod: {@code
 * http://<status.podIP>:<port>/q/metrics}, where the port is the container port named {@code
 * management} (9000 if none is named so). Routers are the pods labelled as this cluster's routers;
 * a router the spec asks for whose pod is missing or has no IP yet counts as unreachable, so the
 * analysis never judges a step on part of the routers without saying so.
 */
@ApplicationScoped
public class RouterScraper {

  /** The name of the container port the management endpoints (and metrics) listen on. */
  public static final String MANAGEMENT_PORT_NAME = "management";

  public static final String METRICS_PATH = "/q/metrics";

  /** Where one router's metrics are, or why they cannot be read. */
  public record Target(String pod, URI uri, String problem) {}

  private final KubernetesClient client;
  private final MetricsScraper scraper;

  /**
   * @param timeout how long one router may take to answer; all routers are read in parallel
   */
  @Inject
  public RouterScraper(
      KubernetesClient client,
      @ConfigProperty(name = "betanet.operator.canary.scrape-timeout", defaultValue = "5s")
          Duration timeout) {
    this.client = client;
    this.scraper = new MetricsScraper(timeout);
  }

  /**
   * Every router the spec asks for, by pod name, with what its metrics endpoint returned. Waits at
   * most about twice the scrape timeout; never throws for a router that misbehaves.
   */
  public Map<String, MetricsScraper.Result> scrape(MixnetCluster cluster) {
    ClusterNames names = ClusterNames.of(cluster);
    List<String> expected =
        RouterModel.from(cluster).nodes().stream().map(ClusterNames::nodeId).toList();
    List<Pod> pods =
        client
            .pods()
            .inNamespace(names.namespace())
            .withLabels(names.componentLabels(ClusterNames.ROUTER))
            .list()
            .getItems();
    Map<String, CompletableFuture<MetricsScraper.Result>> pending = new LinkedHashMap<>();
    for (Target target : targets(expected, pods)) {
      pending.put(
          target.pod(),
          target.uri() == null
              ? CompletableFuture.completedFuture(new MetricsScraper.Unreachable(target.problem()))
              : scraper.scrape(target.uri()));
    }
    Map<String, MetricsScraper.Result> results = new LinkedHashMap<>();
    pending.forEach((pod, result) -> results.put(pod, result.join()));
    return results;
  }

  /** Where each expected router's metrics are, from the pods found; in {@code expected} order. */
  public static List<Target> targets(List<String> expected, List<Pod> pods) {
    Map<String, Pod> byName = new HashMap<>();
    for (Pod pod : pods) {
      byName.put(pod.getMetadata().getName(), pod);
    }
    return expected.stream().map(name -> target(name, byName.get(name))).toList();
  }

  private static Target target(String name, Pod pod) {
    if (pod == null) {
      return new Target(name, null, "no pod");
    }
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    if (ip == null || ip.isBlank()) {
      return new Target(name, null, "pod has no IP yet");
    }
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    try {
      return new Target(
          name, URI.create("http://" + host + ":" + managementPort(pod) + METRICS_PATH), null);
    } catch (IllegalArgumentException e) {
      return new Target(name, null, "pod IP is not an address");
    }
  }

  private static int managementPort(Pod pod) {
    if (pod.getSpec() != null && pod.getSpec().getContainers() != null) {
      for (Container container : pod.getSpec().getContainers()) {
        if (container.getPorts() == null) {
          continue;
        }
        for (ContainerPort port : container.getPorts()) {
          if (MANAGEMENT_PORT_NAME.equals(port.getName()) && port.getContainerPort() != null) {
            return port.getContainerPort();
          }
        }
      }
    }
    return NodePods.MANAGEMENT_PORT;
  }
}
