package dev.betanet.operator.anonymity;

import dev.betanet.operator.analysis.MetricsScraper;
import dev.betanet.operator.canary.RouterScraper;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.model.ClusterNames;
import dev.betanet.operator.model.MixnodeModel;
import dev.betanet.operator.model.RouterModel;
import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.metrics.Scrape;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reads the pool metrics of every ready mixnode, layer by layer, and the loop cover every router
 * sent, straight from the pods' management ports, as {@link RouterScraper} does for the canary.
 * Only ready mixnodes are read: the topology marks the others unhealthy, so no path crosses them.
 */
@ApplicationScoped
public class AnonymityScraper {

  /** {@code betanet_router_cover_packets_total}, whose {@code direction="sent"} is read. */
  static final String ROUTER_COVER = MetricNames.ROUTER_COVER_PACKETS.prometheus();

  /** One node's page: its reading, or why it could not be read. */
  public record NodeResult<T>(String pod, T reading, String problem) {
    public boolean read() {
      return reading != null;
    }
  }

  /**
   * @param layers the ready mixnodes of each layer, in layer order
   * @param routers every router of the spec, with the loop cover it has sent
   */
  public record Readings(
      List<List<NodeResult<MixnodeReading>>> layers, List<NodeResult<Double>> routers) {}

  private final KubernetesClient client;
  private final MetricsScraper scraper;

  @Inject
  public AnonymityScraper(
      KubernetesClient client,
      @ConfigProperty(name = "betanet.operator.canary.scrape-timeout", defaultValue = "5s")
          Duration timeout) {
    this.client = client;
    this.scraper = new MetricsScraper(timeout);
  }

  /**
   * @param readyNodes StatefulSet names whose pod is ready
   */
  public Readings scrape(MixnetCluster cluster, Set<String> readyNodes) {
    ClusterNames names = ClusterNames.of(cluster);
    List<Pod> mixnodePods = readyNodes.isEmpty() ? List.of() : pods(names, ClusterNames.MIXNODE);
    List<List<CompletableFuture<NodeResult<MixnodeReading>>>> pendingLayers = new ArrayList<>();
    boolean anyReady = false;
    for (List<String> layer : MixnodeModel.from(cluster).nodesByLayer()) {
      List<String> ready =
          layer.stream().filter(readyNodes::contains).map(ClusterNames::nodeId).toList();
      anyReady |= !ready.isEmpty();
      pendingLayers.add(read(ready, mixnodePods, MixnodeReading::from));
    }
    // The routers' cover only matters beside what mixnodes forwarded: with none ready, no reading.
    List<String> routers =
        anyReady
            ? RouterModel.from(cluster).nodes().stream().map(ClusterNames::nodeId).toList()
            : List.of();
    List<CompletableFuture<NodeResult<Double>>> pendingRouters =
        routers.isEmpty()
            ? List.of()
            : read(routers, pods(names, ClusterNames.ROUTER), AnonymityScraper::coverSent);

    List<List<NodeResult<MixnodeReading>>> layers = new ArrayList<>();
    for (var layer : pendingLayers) {
      layers.add(layer.stream().map(CompletableFuture::join).toList());
    }
    return new Readings(
        List.copyOf(layers), pendingRouters.stream().map(CompletableFuture::join).toList());
  }

  private List<Pod> pods(ClusterNames names, String component) {
    return client
        .pods()
        .inNamespace(names.namespace())
        .withLabels(names.componentLabels(component))
        .list()
        .getItems();
  }

  private <T> List<CompletableFuture<NodeResult<T>>> read(
      List<String> expected, List<Pod> pods, java.util.function.Function<Scrape, T> reading) {
    List<CompletableFuture<NodeResult<T>>> pending = new ArrayList<>();
    for (RouterScraper.Target target : RouterScraper.targets(expected, pods)) {
      pending.add(
          target.uri() == null
              ? CompletableFuture.completedFuture(
                  new NodeResult<>(target.pod(), null, target.problem()))
              : scraper.read(
                  target.uri(),
                  page -> new NodeResult<>(target.pod(), reading.apply(page), null),
                  problem -> new NodeResult<>(target.pod(), null, problem)));
    }
    return pending;
  }

  private static Double coverSent(Scrape page) {
    Double sent = page.sumBy(ROUTER_COVER, "direction").get("sent");
    if (sent == null) {
      throw new NoSuchElementException(
          "no series " + ROUTER_COVER + "{direction=\"sent\"} in the scrape");
    }
    return sent;
  }
}
