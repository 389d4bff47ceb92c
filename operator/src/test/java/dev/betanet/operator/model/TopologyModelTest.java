package dev.betanet.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.crd.FallbackPolicy;
import dev.betanet.operator.keys.ClusterKeys;
import dev.betanet.operator.keys.KeyPlan;
import dev.betanet.operator.keys.KeyRotationPolicy;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.TopologySigner;
import dev.betanet.protocol.topology.TopologyVerifier;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopologyModelTest {

  private static final Instant NOW = Instant.parse("2026-11-25T06:00:00Z");

  private final dev.betanet.operator.crd.MixnetCluster cluster = ModelFixtures.cluster(2);
  private final ClusterKeys keys = keysFor(cluster);

  private static ClusterKeys keysFor(dev.betanet.operator.crd.MixnetCluster cluster) {
    Map<String, String> nodes = new LinkedHashMap<>();
    MixnodeModel.from(cluster).nodes().forEach(n -> nodes.put(ClusterNames.nodeId(n), "mixnode"));
    RouterModel.from(cluster).nodes().forEach(n -> nodes.put(ClusterNames.nodeId(n), "router"));
    return new KeyPlan(
            ClusterNames.of(cluster),
            new KeyRotationPolicy(Duration.ofHours(24), Duration.ofMinutes(10)),
            new SecureRandom())
        .plan(null, Map.of(), nodes, null, cluster.getSpec().routers.services, null, NOW);
  }

  @Test
  void publishesEveryNodeWithItsCurrentKeysAndTheSpecsSettings() throws Exception {
    // The target is 100; the progression has 40 in force, and that is what routers must see.
    cluster.getSpec().canary.weight = 100;
    cluster.getSpec().fallbackPolicy = FallbackPolicy.STRICT;
    cluster.getSpec().coverTraffic.rate = 4;
    Topology topology =
        TopologyModel.build(
            cluster, keys, Set.of("demo-mix-0-0"), 40, cluster.getSpec().coverTraffic.rate, 7, NOW);

    assertThat(topology.layers()).hasSize(3);
    var node = topology.mixnode("demo-mix-0-0-0").orElseThrow();
    assertThat(node.healthy()).isTrue();
    assertThat(topology.mixnode("demo-mix-0-1-0").orElseThrow().healthy()).isFalse();
    assertThat(node.x25519()).isEqualTo(keys.node("demo-mix-0-0-0").current().publicKey());
    assertThat(node.ed25519()).isEqualTo(keys.node("demo-mix-0-0-0").identityPublic());
    assertThat(topology.routers()).hasSize(2);
    assertThat(topology.routerHosting("echo.fog").orElseThrow().id()).isEqualTo("demo-router-0-0");
    assertThat(topology.routerHosting(keys.fogServices().fogName("web")).orElseThrow().id())
        .isEqualTo("demo-router-1-0");
    assertThat(topology.canary())
        .isEqualTo(new Topology.Canary(40, Topology.FallbackPolicy.STRICT));
    assertThat(topology.mixing()).isEqualTo(new Topology.Mixing(50, 250));
    assertThat(topology.mixing().sendRatePerSecond())
        .isEqualTo(Topology.Mixing.DEFAULT_SEND_RATE_PER_SECOND);
    assertThat(topology.epoch()).isEqualTo(7);

    byte[] signed = new TopologySigner(keys.identity().privateKey()).sign(topology);
    assertThat(new TopologyVerifier(keys.identity().publicKey()).verify(signed))
        .isEqualTo(topology);
  }

  @Test
  void theRoutersSendRateIsPublishedInTheMixingParameters() {
    cluster.getSpec().routerSendRate = 0;
    assertThat(
            TopologyModel.build(cluster, keys, Set.of(), 0, 0, 1, NOW).mixing().sendRatePerSecond())
        .isZero();
    cluster.getSpec().routerSendRate = 250;
    assertThat(
            TopologyModel.build(cluster, keys, Set.of(), 0, 0, 1, NOW).mixing().sendRatePerSecond())
        .isEqualTo(250);
  }

  @Test
  void publishesTheSpecsSurbBucketsInTheSignedDocument() throws Exception {
    assertThat(TopologyModel.build(cluster, keys, Set.of(), 0, 0, 1, NOW).mixing().surbBuckets())
        .as("left out: the protocol default")
        .isEqualTo(Topology.Mixing.DEFAULT_SURB_BUCKETS);

    cluster.getSpec().mixnodes.surbBuckets = java.util.List.of(2, 8, 32, 128);
    Topology topology = TopologyModel.build(cluster, keys, Set.of(), 0, 0, 1, NOW);
    byte[] signed = new TopologySigner(keys.identity().privateKey()).sign(topology);
    // What a router reads: the verified document carries the spec's buckets.
    assertThat(
            new TopologyVerifier(keys.identity().publicKey()).verify(signed).mixing().surbBuckets())
        .containsExactly(2, 8, 32, 128);
  }

  @Test
  void sameInputsGiveTheSameDocument() {
    assertThat(TopologyModel.build(cluster, keys, Set.of(), 0, 0, 1, NOW))
        .isEqualTo(TopologyModel.build(cluster, keys, Set.of(), 0, 0, 1, NOW));
  }
}
