package dev.betanet.operator.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.keys.ClusterKeys;
import dev.betanet.operator.model.ClusterNames;
import dev.betanet.operator.model.TopologyModel;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.TopologyException;
import dev.betanet.protocol.topology.TopologySigner;
import dev.betanet.protocol.topology.TopologyVerifier;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;

/**
 * Signs the cluster's topology and stores it in ConfigMap {@code <cluster>-topology}, key {@code
 * topology.json}. The epoch moves up by one only when the content changes (anything but epoch and
 * issue time), so reconciles with nothing new leave the document, and the nodes, alone.
 */
@ApplicationScoped
public class TopologyPublisher {

  public static final String FILE_NAME = "topology.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject KubernetesClient client;
  @Inject ResourceApplier applier;

  /** What was published: the document now in force, and whether this reconcile changed it. */
  public record Published(Topology topology, boolean changed) {}

  /**
   * @param canaryWeight the weight in force (the canary progression's decision)
   * @param coverRate cover packets per second per node (fixed or adaptive cover's decision)
   */
  public Published publish(
      MixnetCluster cluster,
      ClusterKeys keys,
      Set<String> readyNodes,
      int canaryWeight,
      int coverRate,
      Instant now) {
    ClusterNames names = ClusterNames.of(cluster);
    ConfigMap existing =
        client
            .configMaps()
            .inNamespace(names.namespace())
            .withName(names.topologyConfigMap())
            .get();
    byte[] document = document(existing);
    TopologyVerifier verifier = new TopologyVerifier(keys.identity().publicKey());
    Topology previous = verified(verifier, document);
    Topology published;
    boolean changed;
    if (previous != null
        && previous.equals(
            TopologyModel.build(
                cluster,
                keys,
                readyNodes,
                canaryWeight,
                coverRate,
                previous.epoch(),
                previous.issuedAt()))) {
      published = previous;
      changed = false;
    } else {
      // Continue the epoch even from a document we cannot verify (a lost operator identity):
      // nodes refuse to go back, so epochs only ever grow.
      long epoch = Math.max(previous == null ? 0 : previous.epoch(), rawEpoch(document)) + 1;
      published =
          TopologyModel.build(cluster, keys, readyNodes, canaryWeight, coverRate, epoch, now);
      changed = true;
    }
    byte[] signed =
        changed ? new TopologySigner(keys.identity().privateKey()).sign(published) : document;
    applier.apply(cluster, configMap(names, signed));
    return new Published(published, changed);
  }

  private static ConfigMap configMap(ClusterNames names, byte[] signed) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(names.topologyConfigMap())
        .withNamespace(names.namespace())
        .withLabels(names.clusterLabels())
        .endMetadata()
        .addToData(FILE_NAME, new String(signed, StandardCharsets.UTF_8))
        .build();
  }

  private static byte[] document(ConfigMap existing) {
    if (existing == null || existing.getData() == null) {
      return null;
    }
    String text = existing.getData().get(FILE_NAME);
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  private static Topology verified(TopologyVerifier verifier, byte[] document) {
    if (document == null) {
      return null;
    }
    try {
      return verifier.verify(document);
    } catch (TopologyException e) {
      return null;
    }
  }

  private static long rawEpoch(byte[] document) {
    if (document == null) {
      return 0;
    }
    try {
      JsonNode epoch = JSON.readTree(document).path("topology").path("epoch");
      return epoch.canConvertToLong() ? epoch.asLong() : 0;
    } catch (IOException e) {
      return 0;
    }
  }
}
