package dev.betanet.bench.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.betanet.bench.common.ProcessProbe;
import dev.betanet.local.LocalSystem;
import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.metrics.PrometheusTextParser;
import dev.betanet.protocol.metrics.Scrape;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One MixnetCluster of the local system as the bench sees it: its mixnode and router pods with
 * their processes and metrics endpoints, and its canary weight.
 */
final class BenchedCluster {

  static final String MIXNODE = "mixnode";
  static final String ROUTER = "router";

  /** A pod of the cluster: its component, the address of its management port, its process. */
  record Pod(String name, String component, String ip, ProcessProbe process) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalSystem system;
  private final String namespace;
  private final String name;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  BenchedCluster(LocalSystem system, String namespace, String name) {
    this.system = system;
    this.namespace = namespace;
    this.name = name;
  }

  /** The cluster's running mixnode and router pods, each with the process it runs now. */
  List<Pod> pods() {
    List<Pod> pods = new ArrayList<>();
    for (var pod :
        system
            .client()
            .pods()
            .inNamespace(namespace)
            .withLabel("betanet.dev/cluster", name)
            .list()
            .getItems()) {
      String component = pod.getMetadata().getLabels().get("app.kubernetes.io/component");
      String podName = pod.getMetadata().getName();
      String container = pod.getSpec().getContainers().getFirst().getName();
      var ip = system.runtime().podIp(namespace, podName);
      var process = system.runtime().process(namespace, podName, container);
      if (ip.isEmpty() || process.isEmpty()) {
        throw new IllegalStateException("pod " + podName + " has no running process");
      }
      pods.add(new Pod(podName, component, ip.get(), new ProcessProbe(process.get().pid())));
    }
    return pods;
  }

  /** The pod's Prometheus text from its management port. */
  String metrics(Pod pod) throws IOException, InterruptedException {
    return get(pod, "/q/metrics");
  }

  /** The body of a GET of {@code path} on the pod's management port; fails unless it is a 200. */
  private String get(Pod pod, String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + pod.ip() + ":9000" + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(pod.name() + " " + path + " answered " + response.statusCode());
    }
    return response.body();
  }

  /** The router's {@code /api/v1/status} document from its management port. */
  JsonNode routerStatus(Pod router) throws IOException, InterruptedException {
    return JSON.readTree(get(router, "/api/v1/status"));
  }

  /**
   * Sets the mixnodes' mean per-hop delay and the routers' send rate ({@code routerSendRate}; null
   * leaves the CRD's default) and waits until every router reports both in its status, i.e. has
   * read the topology that carries them; returns the send rate in force (raised to the cover rate
   * when that is higher).
   */
  long applyMixing(String meanDelay, long meanDelayMillis, Long sendRate, Duration timeout)
      throws IOException, InterruptedException {
    patchSpec(
        "{\"mixnodes\":{\"meanDelay\":\""
            + meanDelay
            + "\"},\"routerSendRate\":"
            + (sendRate == null ? "null" : sendRate)
            + "}");
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> lagging = List.of();
    while (System.nanoTime() < deadline) {
      lagging = new ArrayList<>();
      long inForce = -1;
      for (Pod router : pods().stream().filter(p -> ROUTER.equals(p.component())).toList()) {
        JsonNode status = routerStatus(router);
        long delay = status.path("meanDelayMillis").asLong(-1);
        long rate = status.path("sendRatePerSecond").asLong(-1);
        if (delay != meanDelayMillis || (sendRate != null && rate < sendRate)) {
          lagging.add(router.name() + " at " + delay + " ms, " + rate + "/s");
        }
        inForce = rate;
      }
      if (lagging.isEmpty()) {
        return inForce;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "mean delay "
            + meanDelay
            + " and send rate "
            + sendRate
            + " not applied within "
            + timeout.toSeconds()
            + " s: "
            + lagging);
  }

  /** A metrics page that does not parse fails the run: its figures would be wrong. */
  private static Scrape parse(String page) throws IOException {
    try {
      return PrometheusTextParser.parse(page);
    } catch (PrometheusTextParser.FormatException e) {
      throw new IOException("a metrics page does not parse: " + e.getMessage(), e);
    }
  }

  /**
   * Sets the canary weight directly (no steps) and waits until every router reports it in its
   * {@code betanet_router_canary_weight} gauge, i.e. has read the topology that carries it.
   */
  void applyWeight(int weight, Duration timeout) throws IOException, InterruptedException {
    patchSpec("{\"canary\":{\"weight\":" + weight + ",\"steps\":null}}");
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> lagging = List.of();
    while (System.nanoTime() < deadline) {
      lagging = new ArrayList<>();
      for (Pod router : pods().stream().filter(p -> ROUTER.equals(p.component())).toList()) {
        double applied = parse(metrics(router)).sum(MetricNames.ROUTER_CANARY_WEIGHT.prometheus());
        if (applied != weight) {
          lagging.add(router.name() + " at " + applied);
        }
      }
      if (lagging.isEmpty()) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "canary weight "
            + weight
            + " not applied within "
            + timeout.toSeconds()
            + " s: "
            + lagging);
  }

  /** Merges {@code specJson} (a JSON object) into the MixnetCluster's spec. */
  void patchSpec(String specJson) {
    system
        .client()
        .genericKubernetesResources("betanet.dev/v1alpha1", "MixnetCluster")
        .inNamespace(namespace)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":" + specJson + "}");
  }

  /** The spec's value at {@code path} as a string, or null when it is not set. */
  String spec(String... path) {
    Object value = system.mixnetCluster(namespace, name).getAdditionalProperties().get("spec");
    for (String key : path) {
      value = value instanceof Map<?, ?> map ? map.get(key) : null;
    }
    return value == null ? null : value.toString();
  }

  /** The MixnetCluster's status as last written; empty before the operator wrote one. */
  Map<?, ?> status() {
    return system.mixnetCluster(namespace, name).getAdditionalProperties().get("status")
            instanceof Map<?, ?> status
        ? status
        : Map.of();
  }

  /**
   * Cover packets sent so far, summed over every mixnode and router: with the topology's cover rate
   * R each of them sends R a second, so the sum grows at R times the pods.
   */
  double coverSent(List<Pod> pods) throws IOException, InterruptedException {
    double sent = 0;
    for (Pod pod : pods) {
      Scrape page = parse(metrics(pod));
      sent +=
          MIXNODE.equals(pod.component())
              ? page.sum(MetricNames.MIXNODE_COVER_PACKETS.prometheus())
              : required(
                  page.sumBy(MetricNames.ROUTER_COVER_PACKETS.prometheus(), "direction"),
                  "sent",
                  pod);
    }
    return sent;
  }

  /** Packets the mixnodes forwarded so far, summed: every hop of every packet counts once. */
  double mixnodesForwarded(List<Pod> mixnodes) throws IOException, InterruptedException {
    double forwarded = 0;
    for (Pod pod : mixnodes) {
      forwarded +=
          required(
              parse(metrics(pod)).sumBy(MetricNames.MIXNODE_PACKETS.prometheus(), "result"),
              "forwarded",
              pod);
    }
    return forwarded;
  }

  private static double required(Map<String, Double> byLabel, String value, Pod pod)
      throws IOException {
    Double found = byLabel.get(value);
    if (found == null) {
      throw new IOException(pod.name() + " exports no series labelled " + value);
    }
    return found;
  }

  /**
   * The routers' stream counters so far, every router summed, read from one scrape of each.
   *
   * @param ended streams ended, by "role outcome" (e.g. {@code entry closed}), from {@code
   *     betanet_router_streams_total}
   * @param retransmissions stream segments sent again, every role summed
   */
  record StreamCounts(Map<String, Double> ended, double retransmissions) {}

  StreamCounts streamCounts() throws IOException, InterruptedException {
    Map<String, Double> ended = new TreeMap<>();
    double retransmissions = 0;
    for (Pod router : pods().stream().filter(p -> ROUTER.equals(p.component())).toList()) {
      Scrape page = parse(metrics(router));
      for (Scrape.Sample sample : page.samples()) {
        if (sample.name().equals(MetricNames.ROUTER_STREAMS.prometheus())) {
          ended.merge(
              sample.label("role") + " " + sample.label("outcome"), sample.value(), Double::sum);
        }
      }
      retransmissions += page.sum(MetricNames.ROUTER_STREAM_RETRANSMISSIONS.prometheus());
    }
    return new StreamCounts(ended, retransmissions);
  }

  /** Every mixnode pod's packets so far, by the {@code result} label, by pod name. */
  Map<String, Map<String, Double>> mixnodePackets(List<Pod> mixnodes)
      throws IOException, InterruptedException {
    Map<String, Map<String, Double>> byPod = new TreeMap<>();
    for (Pod pod : mixnodes) {
      byPod.put(
          pod.name(),
          parse(metrics(pod)).sumBy(MetricNames.MIXNODE_PACKETS.prometheus(), "result"));
    }
    return byPod;
  }
}
