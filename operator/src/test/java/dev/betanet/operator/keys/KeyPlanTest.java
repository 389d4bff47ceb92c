package dev.betanet.operator.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.crd.FogServiceSpec;
import dev.betanet.operator.model.ClusterNames;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.NodeKeysFile;
import io.fabric8.kubernetes.api.model.Secret;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyPlanTest {

  private static final Instant T0 = Instant.parse("2026-11-25T06:00:00Z");
  private static final Map<String, String> NODES =
      Map.of("demo-mix-0-0-0", ClusterNames.MIXNODE, "demo-router-0-0", ClusterNames.ROUTER);
  private static final List<FogServiceSpec> SERVICES =
      List.of(new FogServiceSpec("echo", "echo.fog", "http://echo"));

  private final ClusterNames names = new ClusterNames("demo", "ns");
  private final KeyPlan plan =
      new KeyPlan(
          names,
          new KeyRotationPolicy(Duration.ofHours(1), Duration.ofMinutes(10)),
          new SecureRandom());

  /** What the cluster holds after a reconcile: its Secrets by name. */
  private Map<String, Secret> stored = new HashMap<>();

  private ClusterKeys reconcileAt(Instant now) {
    return reconcileAt(now, null);
  }

  private ClusterKeys reconcileAt(Instant now, Instant rotationRequestedAt) {
    Map<String, Secret> nodeSecrets = new HashMap<>();
    NODES.keySet().forEach(id -> nodeSecrets.put(id, stored.get(names.nodeKeysSecret(id))));
    ClusterKeys keys =
        plan.plan(
            stored.get(names.operatorIdentitySecret()),
            nodeSecrets,
            NODES,
            stored.get(names.fogServicesSecret()),
            SERVICES,
            rotationRequestedAt,
            now);
    keys.secrets().forEach(s -> stored.put(s.getMetadata().getName(), s));
    return keys;
  }

  @Test
  void generatesOnceThenKeepsEveryKey() {
    ClusterKeys first = reconcileAt(T0);
    assertThat(first.regenerated()).containsExactlyInAnyOrderElementsOf(NODES.keySet());
    ClusterKeys second = reconcileAt(T0.plusSeconds(60));
    assertThat(second.regenerated()).isEmpty();
    assertThat(second.nodes()).isEqualTo(first.nodes());
    assertThat(second.identity()).isEqualTo(first.identity());
    assertThat(second.fogServices().sameKeysAs(first.fogServices())).isTrue();
    assertThat(second.secrets()).isEqualTo(first.secrets());
  }

  @Test
  void nodeSecretsHoldTheKeyFileWithThePinnedOperatorKey() throws Exception {
    ClusterKeys keys = reconcileAt(T0);
    Secret secret = stored.get("demo-mix-0-0-0-keys");
    NodeKeys read =
        NodeKeysFile.read(Base64.getDecoder().decode(secret.getData().get(NodeKeysFile.FILE_NAME)));
    assertThat(read).isEqualTo(keys.node("demo-mix-0-0-0"));
    assertThat(read.operatorKey()).isEqualTo(keys.identity().publicKey());
    assertThat(secret.getMetadata().getLabels())
        .containsEntry(ClusterNames.LABEL_NODE_KEYS, "true");
  }

  @Test
  void rotatesAfterTheIntervalKeepingThePreviousKeyForTheOverlap() {
    NodeKeys original = reconcileAt(T0).node("demo-mix-0-0-0");
    assertThat(reconcileAt(T0.plus(Duration.ofMinutes(59))).rotated()).isFalse();

    ClusterKeys rotated = reconcileAt(T0.plus(Duration.ofMinutes(60)));
    assertThat(rotated.rotated()).isTrue();
    assertThat(rotated.identity().keyEpoch()).isEqualTo(2);
    NodeKeys node = rotated.node("demo-mix-0-0-0");
    assertThat(node.packetKeys()).extracting(NodeKeys.EpochKey::epoch).containsExactly(2L, 1L);
    assertThat(node.packetKeys().get(1)).isEqualTo(original.current());
    assertThat(node.identityPublic()).isEqualTo(original.identityPublic());

    // Senders keep the old key until the nodes have had half the overlap to load the new one.
    assertThat(rotated.publishedEpoch()).isEqualTo(1);
    assertThat(rotated.publishedKey("demo-mix-0-0-0")).isEqualTo(original.current());
    ClusterKeys switched = reconcileAt(T0.plus(Duration.ofMinutes(65)));
    assertThat(switched.publishedEpoch()).isEqualTo(2);
    assertThat(switched.publishedKey("demo-mix-0-0-0")).isEqualTo(node.current());

    ClusterKeys during = reconcileAt(T0.plus(Duration.ofMinutes(69)));
    assertThat(during.retired()).isFalse();
    assertThat(during.node("demo-mix-0-0-0").packetKeys()).hasSize(2);

    ClusterKeys after = reconcileAt(T0.plus(Duration.ofMinutes(70)));
    assertThat(after.retired()).isTrue();
    assertThat(after.node("demo-router-0-0").packetKeys())
        .extracting(NodeKeys.EpochKey::epoch)
        .containsExactly(2L);
  }

  @Test
  void aRequestedRotationHappensAtOnceAndOnlyOnce() {
    reconcileAt(T0);
    Instant asked = T0.plus(Duration.ofMinutes(20));
    assertThat(reconcileAt(T0.plus(Duration.ofMinutes(19)), asked).rotated())
        .as("not before the time asked")
        .isFalse();

    ClusterKeys rotated = reconcileAt(asked, asked);
    assertThat(rotated.rotated()).isTrue();
    assertThat(rotated.identity().keyEpoch()).isEqualTo(2);
    assertThat(reconcileAt(asked.plus(Duration.ofMinutes(30)), asked).rotated())
        .as("the same request is honoured once")
        .isFalse();
    assertThat(reconcileAt(asked.plus(Duration.ofMinutes(30)), T0).rotated())
        .as("a request older than the last rotation")
        .isFalse();
  }

  @Test
  void aRequestDuringARotationsOverlapWaitsForItsEnd() {
    reconcileAt(T0);
    Instant first = T0.plus(Duration.ofMinutes(20));
    assertThat(reconcileAt(first, first).rotated()).isTrue();

    Instant second = first.plus(Duration.ofMinutes(3)); // inside the 10-minute overlap
    assertThat(reconcileAt(second, second).rotated()).isFalse();
    ClusterKeys later = reconcileAt(first.plus(Duration.ofMinutes(10)), second);
    assertThat(later.rotated()).isTrue();
    assertThat(later.identity().keyEpoch()).isEqualTo(3);
  }

  @Test
  void aNodeLeftBehindByAnInterruptedRotationCatchesUpOnce() {
    reconcileAt(T0);
    Secret oldRouterKeys = stored.get("demo-router-0-0-keys");
    reconcileAt(T0.plus(Duration.ofMinutes(60)));
    stored.put("demo-router-0-0-keys", oldRouterKeys);

    ClusterKeys next = reconcileAt(T0.plus(Duration.ofMinutes(61)));
    assertThat(next.rotated()).isFalse();
    assertThat(next.node("demo-router-0-0").packetKeys())
        .extracting(NodeKeys.EpochKey::epoch)
        .containsExactly(2L, 1L);
  }

  @Test
  void keysMadeForALostOperatorIdentityAreReplaced() {
    reconcileAt(T0);
    stored.remove(names.operatorIdentitySecret());
    ClusterKeys next = reconcileAt(T0.plusSeconds(5));
    assertThat(next.regenerated()).containsExactlyInAnyOrderElementsOf(NODES.keySet());
    assertThat(next.node("demo-mix-0-0-0").operatorKey()).isEqualTo(next.identity().publicKey());
  }

  @Test
  void policyNamesTheNextDeadline() {
    var policy = new KeyRotationPolicy(Duration.ofHours(1), Duration.ofMinutes(10));
    assertThat(policy.untilNextAction(T0, T0.plusSeconds(60))).isEqualTo(Duration.ofMinutes(4));
    assertThat(policy.untilNextAction(T0, T0.plus(Duration.ofMinutes(5))))
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(policy.untilNextAction(T0, T0.plus(Duration.ofMinutes(10))))
        .isEqualTo(Duration.ofMinutes(50));
    assertThat(policy.untilNextAction(T0, T0.plus(Duration.ofHours(2)))).isZero();
  }
}
