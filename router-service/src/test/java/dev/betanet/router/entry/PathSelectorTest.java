package dev.betanet.router.entry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.Topology.MixnodeEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PathSelectorTest {

  private final PathSelector selector =
      new PathSelector(new Random(1), new SuspectNodes(java.time.Duration.ofSeconds(30), () -> 0));

  private static MixnodeEntry node(String id, String family, String zone, boolean healthy) {
    return new MixnodeEntry(
        id,
        "127.0.0.1:1",
        family,
        zone,
        Key32.of(new byte[32]),
        1,
        Key32.of(new byte[32]),
        healthy);
  }

  private static Topology topology(List<List<MixnodeEntry>> layers) {
    List<Topology.Layer> list = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      list.add(new Topology.Layer(i, layers.get(i)));
    }
    return new Topology(
        Topology.FORMAT_VERSION,
        "t",
        "ns",
        1,
        Instant.now(),
        2048,
        new Topology.Mixing(0, 0),
        list,
        List.of(),
        new Topology.Canary(100, Topology.FallbackPolicy.STRICT));
  }

  private Set<String> idsOverManyPaths(Topology topology, Set<String> avoid) {
    Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      selector.select(topology, avoid).orElseThrow().forEach(n -> seen.add(n.id()));
    }
    return seen;
  }

  @Test
  void picksOneNodePerLayerInOrder() {
    var topology =
        topology(
            List.of(
                List.of(node("a", "fa", "", true)),
                List.of(node("b", "fb", "", true)),
                List.of(node("c", "fc", "", true))));

    assertThat(selector.select(topology, Set.of()).orElseThrow())
        .extracting(MixnodeEntry::id)
        .containsExactly("a", "b", "c");
  }

  @Test
  void neverPicksAnUnhealthyNode() {
    var topology =
        topology(
            List.of(
                List.of(node("a1", "f1", "", true), node("a2", "f2", "", false)),
                List.of(node("b1", "f3", "", true))));

    assertThat(idsOverManyPaths(topology, Set.of())).doesNotContain("a2").contains("a1", "b1");
  }

  @Test
  void neverPutsTwoNodesOfOneFamilyInAPath() {
    var topology =
        topology(
            List.of(
                List.of(node("a1", "same", "", true), node("a2", "other", "", true)),
                List.of(node("b1", "same", "", true), node("b2", "third", "", true))));

    for (int i = 0; i < 200; i++) {
      List<MixnodeEntry> path = selector.select(topology, Set.of()).orElseThrow();
      assertThat(path.stream().map(MixnodeEntry::family).collect(Collectors.toSet())).hasSize(2);
    }
  }

  @Test
  void neverPutsTwoNodesOfOneZoneInAPathButEmptyZonesDoNotCollide() {
    var zoned =
        topology(
            List.of(
                List.of(node("a1", "f1", "z1", true)),
                List.of(node("b1", "f2", "z1", true), node("b2", "f3", "z2", true))));
    var unzoned =
        topology(List.of(List.of(node("a1", "f1", "", true)), List.of(node("b1", "f2", "", true))));

    assertThat(idsOverManyPaths(zoned, Set.of())).doesNotContain("b1");
    assertThat(selector.select(unzoned, Set.of())).isPresent();
  }

  @Test
  void failsWhenTheRulesLeaveALayerEmpty() {
    var topology =
        topology(
            List.of(List.of(node("a1", "same", "", true)), List.of(node("b1", "same", "", true))));
    var dead = topology(List.of(List.of(node("a1", "f1", "", false))));

    assertThat(selector.select(topology, Set.of())).isEmpty();
    assertThat(selector.select(dead, Set.of())).isEmpty();
    assertThat(selector.select(topology(List.of()), Set.of())).isEmpty();
  }

  @Test
  void avoidsSuspectsWhileAnotherNodeRemainsAndUsesThemOtherwise() {
    var topology =
        topology(
            List.of(
                List.of(node("a1", "f1", "", true), node("a2", "f2", "", true)),
                List.of(node("b1", "f3", "", true))));

    assertThat(idsOverManyPaths(topology, Set.of("a1", "b1")))
        .containsExactlyInAnyOrder("a2", "b1");
  }

  @Test
  void spreadsPathsOverEveryEligibleNode() {
    var topology =
        topology(
            List.of(
                List.of(node("a1", "f1", "", true), node("a2", "f2", "", true)),
                List.of(node("b1", "f3", "", true), node("b2", "f4", "", true))));

    assertThat(idsOverManyPaths(topology, Set.of()))
        .containsExactlyInAnyOrder("a1", "a2", "b1", "b2");
  }
}
