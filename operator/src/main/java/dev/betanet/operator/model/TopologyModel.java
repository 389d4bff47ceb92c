package dev.betanet.operator.model;

import dev.betanet.operator.crd.FallbackPolicy;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.MixnetClusterSpec;
import dev.betanet.operator.keys.ClusterKeys;
import dev.betanet.protocol.spec.Durations;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.Topology;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The topology document of a cluster: every node's address and the public keys senders use now, the
 * mixing parameters, and the canary split. Plain Java; {@code TopologyPublisher} signs and stores
 * it.
 */
public final class TopologyModel {

  private TopologyModel() {}

  /**
   * @param readyNodes StatefulSet names whose pod is ready; others are published as unhealthy
   * @param canaryWeight the weight in force, as the canary progression decided (not necessarily
   *     {@code spec.canary.weight}, which is its target)
   * @param coverRate cover packets per second per node, as fixed or adaptive cover decided ({@code
   *     AdaptiveCover}); 0..1000
   */
  public static Topology build(
      MixnetCluster cluster,
      ClusterKeys keys,
      Set<String> readyNodes,
      int canaryWeight,
      int coverRate,
      long epoch,
      Instant at) {
    MixnetClusterSpec spec = cluster.getSpec();
    MixnodeModel mixnodes = MixnodeModel.from(cluster);
    RouterModel routers = RouterModel.from(cluster);

    List<Topology.Layer> layers = new ArrayList<>();
    List<List<String>> byLayer = mixnodes.nodesByLayer();
    for (int layer = 0; layer < byLayer.size(); layer++) {
      List<Topology.MixnodeEntry> entries = new ArrayList<>();
      for (String node : byLayer.get(layer)) {
        String nodeId = ClusterNames.nodeId(node);
        NodeKeys.EpochKey packetKey = keys.publishedKey(nodeId);
        entries.add(
            new Topology.MixnodeEntry(
                nodeId,
                mixnodes.address(node),
                spec.mixnodes.family,
                spec.mixnodes.zone,
                packetKey.publicKey(),
                packetKey.epoch(),
                keys.node(nodeId).identityPublic(),
                readyNodes.contains(node)));
      }
      layers.add(new Topology.Layer(layer, entries));
    }

    List<Topology.RouterNode> routerNodes = new ArrayList<>();
    List<String> routerSets = routers.nodes();
    for (int index = 0; index < routerSets.size(); index++) {
      String router = routerSets.get(index);
      String nodeId = ClusterNames.nodeId(router);
      NodeKeys.EpochKey packetKey = keys.publishedKey(nodeId);
      routerNodes.add(
          new Topology.RouterNode(
              nodeId,
              routers.packetAddress(router),
              routers.tunnelAddress(router),
              packetKey.publicKey(),
              packetKey.epoch(),
              keys.node(nodeId).identityPublic(),
              keys.fogServices().hostedBy(index, routerSets.size(), spec.routers.services)));
    }

    // rate is 0..1000 per second (schema bound), so a non-zero rate is at least a 1 ms interval.
    long coverIntervalMillis = coverRate == 0 ? 0 : 1000L / coverRate;
    return new Topology(
        Topology.FORMAT_VERSION,
        cluster.getMetadata().getName(),
        cluster.getMetadata().getNamespace(),
        epoch,
        at,
        spec.mixnodes.packetSize,
        new Topology.Mixing(
                Durations.parse(spec.mixnodes.meanDelay, "spec.mixnodes.meanDelay").toMillis(),
                coverIntervalMillis,
                spec.mixnodes.surbBuckets == null
                    ? Topology.Mixing.DEFAULT_SURB_BUCKETS
                    : spec.mixnodes.surbBuckets)
            .withSendRatePerSecond(spec.routerSendRate),
        layers,
        routerNodes,
        new Topology.Canary(canaryWeight, fallbackPolicy(spec.fallbackPolicy)));
  }

  static Topology.FallbackPolicy fallbackPolicy(FallbackPolicy policy) {
    return policy == FallbackPolicy.STRICT
        ? Topology.FallbackPolicy.STRICT
        : Topology.FallbackPolicy.FALLBACK;
  }
}
