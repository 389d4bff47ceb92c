package dev.betanet.router.entry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.Topology.MixnodeEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SuspectNodesTest {

  private final AtomicLong now = new AtomicLong(1000);
  private final SuspectNodes suspects = new SuspectNodes(Duration.ofSeconds(30), now::get);

  @Test
  void suspectsOnlyNodesNotConfirmedSinceTheAttemptBegan() {
    suspects.confirm(List.of("old")); // confirmed before the attempt: no alibi
    now.set(2000);
    suspects.confirm(List.of("good"));
    now.set(3000);

    suspects.unanswered(List.of("old", "good", "dead"), 1500);

    assertThat(suspects.current()).containsExactlyInAnyOrder("old", "dead");
  }

  @Test
  void aConfirmationClearsSuspicionAndSuspicionExpires() {
    suspects.unanswered(List.of("a", "b"), 0);
    suspects.confirm(List.of("a"));

    assertThat(suspects.current()).containsExactly("b");
    now.addAndGet(30_000);
    assertThat(suspects.current()).isEmpty();
  }

  @Test
  void aNodeSuspectedAsUnreachableIsNoLongerSuspectOnceReached() {
    suspects.unanswered(List.of("first"), Long.MAX_VALUE); // refused while the cluster started
    assertThat(suspects.current()).containsExactly("first");

    now.addAndGet(1000);
    suspects.reachable(List.of("first"));

    assertThat(suspects.current()).isEmpty();
  }

  @Test
  void reachingANodeDoesNotLiftWhatLostRoundsSay() {
    suspects.lost(List.of(List.of("entry", "a1", "dead", "c")), 900);
    now.addAndGet(1000);
    suspects.lost(List.of(List.of("entry", "a2", "dead", "c")), 1900);

    suspects.reachable(List.of("dead")); // it accepts connections, and drops what it gets

    assertThat(suspects.current()).contains("dead");
  }

  @Test
  void lossesThroughOnePredecessorAloneSuspectNobody() {
    // A first-layer node "a" drops whatever it should pass to b1..b3: every lost path runs
    // through it, so each b has only "a" as the hop before its losses.
    for (int round = 0; round < 30; round++) {
      now.addAndGet(100);
      String b = "b" + (round % 3 + 1);
      suspects.lost(List.of(List.of("entry", "a", b, "c" + round % 2)), now.get() - 50);
    }

    assertThat(suspects.current()).doesNotContain("b1", "b2", "b3");
  }

  @Test
  void aNodeLosingPacketsThroughTwoPredecessorsBecomesSuspect() {
    suspects.lost(List.of(List.of("entry", "a1", "dead", "c")), 900);
    assertThat(suspects.current()).doesNotContain("dead");

    now.addAndGet(1000);
    suspects.lost(List.of(List.of("entry", "a2", "dead", "c")), 1900);

    assertThat(suspects.current()).contains("dead");
  }

  @Test
  void evidenceOlderThanTheWindowDoesNotCorroborate() {
    suspects.lost(List.of(List.of("entry", "a1", "b", "c")), 900);
    now.addAndGet(30_000);
    suspects.lost(List.of(List.of("entry", "a2", "b", "c")), now.get() - 100);

    assertThat(suspects.current()).doesNotContain("b");
  }

  @Test
  void aStaleSuspectDoesNotKeepANewlyDeadNodeOfItsLayerInUse() {
    var topology = layers(2, 2);
    suspects.unanswered(List.of("l1-0"), Long.MAX_VALUE); // suspected, then avoided: never cleared
    now.addAndGet(5_000);
    suspects.lost(List.of(List.of("entry", "l0-0", "l1-1"), List.of("exit", "l0-1", "l1-1")), 0);

    assertThat(suspects.current()).contains("l1-0", "l1-1");
    assertThat(suspects.avoidable(topology)).contains("l1-1").doesNotContain("l1-0");
  }

  @Test
  void noMoreThanHalfOfALayerIsEverAvoided() {
    var topology = layers(4, 4);
    // Direct evidence against three of four nodes of layer 1, one after the other.
    for (int i = 0; i < 3; i++) {
      now.addAndGet(10);
      suspects.unanswered(List.of("l1-" + i), Long.MAX_VALUE);
    }

    assertThat(suspects.current()).contains("l1-0", "l1-1", "l1-2");
    assertThat(suspects.avoidable(topology))
        .as("the two with the freshest evidence, and no more")
        .containsExactlyInAnyOrder("l1-1", "l1-2");
  }

  /**
   * Path steering played out: paths chosen by the real {@link PathSelector} for packets and SURBs,
   * a few rounds at a time (an entry has several requests in flight), and a first-layer node that
   * drops what it should pass to a node other than its colluder — but only when, in the same
   * moment, it also passes a packet to its colluder, whose answer gives it an alibi. Rounds are
   * answered only when both their paths avoided a drop. However long it runs, the dropping node
   * never gets more than half of the next layer avoided.
   */
  @Test
  void aDroppingFirstLayerNodeCannotMakeMoreThanHalfTheNextLayerAvoided() {
    var topology = layers(3, 4);
    var selector = new PathSelector(new Random(7), suspects);
    String dropper = "l0-0";
    String colluder = "l1-0";
    int mostAvoided = 0;
    for (int batch = 0; batch < 2000; batch++) {
      now.addAndGet(50);
      long startedAt = now.get();
      List<List<String>> paths = new ArrayList<>();
      for (int i = 0; i < 8; i++) { // four rounds: a forward path and a SURB path each
        paths.add(ids(selector.select(topology).orElseThrow()));
      }
      boolean alibi =
          paths.stream().anyMatch(p -> p.get(0).equals(dropper) && p.get(1).equals(colluder));
      List<List<String>> lostPaths = new ArrayList<>();
      List<List<String>> answered = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        List<String> forward = paths.get(2 * round);
        List<String> reply = paths.get(2 * round + 1);
        if (alibi && (drops(forward, dropper, colluder) || drops(reply, dropper, colluder))) {
          lostPaths.add(withSender("entry", forward));
          lostPaths.add(withSender("exit", reply));
        } else {
          answered.add(forward);
          answered.add(reply);
        }
      }
      now.addAndGet(50);
      answered.forEach(suspects::confirm); // answers come back while the lost rounds wait
      now.addAndGet(50);
      suspects.lost(lostPaths, startedAt);
      Set<String> avoided = suspects.avoidable(topology);
      int layerOneAvoided = (int) avoided.stream().filter(id -> id.startsWith("l1-")).count();
      mostAvoided = Math.max(mostAvoided, layerOneAvoided);
    }

    assertThat(mostAvoided).as("layer-1 nodes avoided at once, at most").isLessThanOrEqualTo(2);
  }

  private static boolean drops(List<String> path, String dropper, String colluder) {
    return path.get(0).equals(dropper) && !path.get(1).equals(colluder);
  }

  private static List<String> withSender(String sender, List<String> path) {
    List<String> all = new ArrayList<>();
    all.add(sender);
    all.addAll(path);
    return all;
  }

  private static List<String> ids(List<MixnodeEntry> path) {
    return path.stream().map(MixnodeEntry::id).toList();
  }

  /** Layers of nodes {@code l<layer>-<index>}, each its own family. */
  static Topology layers(int layers, int perLayer) {
    List<Topology.Layer> list = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      List<MixnodeEntry> nodes = new ArrayList<>();
      for (int i = 0; i < perLayer; i++) {
        Key32 key = Key32.of(new byte[32]);
        nodes.add(
            new MixnodeEntry(
                "l" + l + "-" + i, "127.0.0.1:1", "f" + l + "-" + i, "", key, 1, key, true));
      }
      list.add(new Topology.Layer(l, nodes));
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
}
