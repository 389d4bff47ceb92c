package dev.betanet.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MixnodeModelTest {

  private final MixnodeModel model = MixnodeModel.from(ModelFixtures.cluster(1));

  @Test
  void oneStatefulSetOfOneReplicaPerMixnode() {
    assertThat(model.statefulSets())
        .extracting(s -> s.getMetadata().getName())
        .containsExactly(
            "demo-mix-0-0",
            "demo-mix-0-1",
            "demo-mix-1-0",
            "demo-mix-1-1",
            "demo-mix-2-0",
            "demo-mix-2-1");
    assertThat(model.statefulSets()).allSatisfy(s -> assertThat(s.getSpec().getReplicas()).isOne());
  }

  @Test
  void eachPodMountsOnlyItsOwnKeysAndKnowsItsId() {
    StatefulSet set = model.statefulSet("demo-mix-1-0");
    var pod = set.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getSecret().getSecretName())
        .containsExactly("demo-mix-1-0-0-keys");
    Map<String, String> env =
        pod.getContainers().getFirst().getEnv().stream()
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "BETANET_NODE_ID", "demo-mix-1-0-0",
                "BETANET_KEYS_FILE", "/etc/betanet/keys/keys.json",
                "BETANET_TOPOLOGY_FILE", "/etc/betanet/topology/topology.json",
                "BETANET_STATE_DIR", "/var/lib/betanet"));
    // The node's writable state (the last accepted topology) outlives container restarts.
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("state"))
        .singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    assertThat(pod.getContainers().getFirst().getVolumeMounts())
        .filteredOn(m -> m.getName().equals("state"))
        .singleElement()
        .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/var/lib/betanet"));
    assertThat(set.getSpec().getSelector().getMatchLabels())
        .isEqualTo(set.getSpec().getTemplate().getMetadata().getLabels());
    assertThat(set.getSpec().getServiceName()).isEqualTo("demo-mixnodes");
  }

  @Test
  void podsMeetTheRestrictedPodSecurityStandard() {
    var pod = model.statefulSet("demo-mix-0-0").getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    var security = pod.getContainers().getFirst().getSecurityContext();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
  }

  @Test
  void addressIsThePodBehindTheHeadlessService() {
    assertThat(model.address("demo-mix-2-1")).isEqualTo("demo-mix-2-1-0.demo-mixnodes.ns.svc:1789");
    assertThat(model.service().getSpec().getClusterIP()).isEqualTo("None");
  }

  @Test
  void packetPortOpenOnlyToThisClustersNodes() {
    var rules = model.networkPolicy().getSpec().getIngress();
    var packets = rules.getFirst();
    assertThat(packets.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(1789);
    var selector = packets.getFrom().getFirst().getPodSelector();
    assertThat(selector.getMatchLabels()).containsEntry(ClusterNames.LABEL_CLUSTER, "demo");
    assertThat(selector.getMatchExpressions().getFirst().getValues())
        .containsExactlyInAnyOrder("mixnode", "router");
    assertThat(rules.get(1).getFrom()).isNullOrEmpty();
    assertThat(rules.get(1).getPorts())
        .extracting(p -> p.getPort().getIntVal())
        .containsExactly(9000);
  }

  @Test
  void sameSpecGivesTheSameObjects() {
    assertThat(MixnodeModel.from(ModelFixtures.cluster(1)).statefulSets())
        .isEqualTo(model.statefulSets());
  }
}
