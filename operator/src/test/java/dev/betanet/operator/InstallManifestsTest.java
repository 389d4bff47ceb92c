package dev.betanet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The install (the kustomize base {@code k8s/install} and its overlays {@code k8s/overlays/ha},
 * {@code k8s/overlays/dev}) says what the issue promises: RBAC for every call the operator makes, a
 * restricted operator pod, leader election with two replicas in {@code ha}, and a schema the API
 * server can enforce. Each overlay is rendered by {@code kubectl kustomize} (kubectl's built-in
 * kustomize), and every object is read strictly into its Fabric8 model class: a misspelt or
 * misplaced field fails here instead of being dropped by the API server.
 */
class InstallManifestsTest {

  private static final Path ROOT =
      Path.of(System.getProperty("betanet.crds.dir", "../crds")).toAbsolutePath().getParent();

  @Test
  void everyObjectOfEveryOverlayIsAKnownKindWithOnlyKnownFields() throws Exception {
    for (String overlay : List.of("k8s/install", "k8s/overlays/ha", "k8s/overlays/dev")) {
      List<HasMetadata> objects = InstallManifests.render(ROOT, overlay);
      assertThat(objects).as(overlay).isNotEmpty();
      assertThat(objects)
          .as("%s: everything in the operator's namespace or cluster-wide", overlay)
          .allMatch(
              o ->
                  o.getMetadata().getNamespace() == null
                      || o.getMetadata().getNamespace().equals("betanet-system"));
    }
  }

  @Test
  void aMisspeltFieldIsRefused() {
    String yaml =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: x}
        spec:
          replicaz: 2
        """;
    assertThatThrownBy(() -> InstallManifests.parse(yaml))
        .hasMessageContaining("replicaz")
        .hasMessageContaining("Deployment");
  }

  @Test
  void clusterRoleGrantsWhatTheOperatorDoes() throws Exception {
    List<HasMetadata> base = InstallManifests.render(ROOT, "k8s/install");
    ClusterRole role = only(base, ClusterRole.class);
    assertGranted(
        role.getRules(), "betanet.dev", "mixnetclusters", "get", "list", "watch", "patch");
    assertGranted(role.getRules(), "betanet.dev", "mixnetclusters/status", "patch", "update");
    assertGranted(role.getRules(), "betanet.dev", "mixnetclusters/finalizers", "update");
    assertGranted(role.getRules(), "", "secrets", "get", "list", "create", "update", "delete");
    // The node Role grants get/list/watch on a ConfigMap: the operator must hold them itself.
    assertGranted(role.getRules(), "", "configmaps", "get", "list", "watch", "create", "update");
    assertGranted(role.getRules(), "", "services", "get", "create", "update");
    assertGranted(role.getRules(), "", "serviceaccounts", "get", "create", "update");
    assertGranted(role.getRules(), "", "events", "create");
    assertGranted(role.getRules(), "", "pods", "get", "list");
    assertGranted(
        role.getRules(),
        "apps",
        "statefulsets",
        "get",
        "list",
        "watch",
        "create",
        "update",
        "delete");
    assertGranted(
        role.getRules(), "networking.k8s.io", "networkpolicies", "get", "create", "update");
    assertGranted(role.getRules(), "policy", "poddisruptionbudgets", "get", "create", "update");
    assertGranted(role.getRules(), "rbac.authorization.k8s.io", "roles", "get", "create", "update");
    assertGranted(
        role.getRules(), "rbac.authorization.k8s.io", "rolebindings", "get", "create", "update");
    assertThat(role.getRules()).noneMatch(r -> r.getVerbs().contains("*"));
    assertThat(role.getRules())
        .as("leases are granted in the operator's namespace only")
        .noneMatch(r -> r.getApiGroups().contains("coordination.k8s.io"));
  }

  @Test
  void leaderElectionMayWriteItsOneLeaseOnly() throws Exception {
    List<HasMetadata> base = InstallManifests.render(ROOT, "k8s/install");
    Role role = only(base, Role.class);
    assertThat(role.getMetadata().getNamespace()).isEqualTo("betanet-system");
    // Fabric8's LeaderElector renews and takes over with a PATCH (LeaderElectionTest, under RBAC).
    assertGranted(
        role.getRules(), "coordination.k8s.io", "leases", "create", "get", "update", "patch");
    assertThat(role.getRules())
        .filteredOn(r -> !r.getVerbs().equals(List.of("create")))
        .allSatisfy(r -> assertThat(r.getResourceNames()).containsExactly("betanet-operator"));
    RoleBinding binding = only(base, RoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("betanet-operator"));
  }

  @Test
  void operatorPodIsRestrictedAndProbedOnTheManagementPort() throws Exception {
    Deployment deployment = only(InstallManifests.render(ROOT, "k8s/install"), Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().getFirst();
    assertThat(container.getImage()).isEqualTo("betanet/operator:0.1.0-SNAPSHOT");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(container.getPorts().getFirst().getContainerPort()).isEqualTo(9000);
    assertThat(env(container)).doesNotContainKey("BETANET_OPERATOR_LEADER_ELECTION_ENABLED");
  }

  @Test
  void haRunsTwoElectingReplicasOnDifferentNodesAndDrainsOneAtATime() throws Exception {
    List<HasMetadata> ha = InstallManifests.render(ROOT, "k8s/overlays/ha");
    Deployment deployment = only(ha, Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().getFirst();
    assertThat(env(container)).containsEntry("BETANET_OPERATOR_LEADER_ELECTION_ENABLED", "true");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem())
        .as("the base's hardening survives the patch")
        .isTrue();
    assertThat(
            pod.getAffinity()
                .getPodAntiAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution()
                .getFirst()
                .getPodAffinityTerm()
                .getTopologyKey())
        .isEqualTo("kubernetes.io/hostname");
    PodDisruptionBudget budget = only(ha, PodDisruptionBudget.class);
    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(budget.getSpec().getSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(only(ha, Role.class).getMetadata().getName())
        .isEqualTo("betanet-operator-leader-election");
  }

  @Test
  void devLogsDebugAndNeverPullsTheLocallyLoadedImage() throws Exception {
    Deployment deployment =
        only(InstallManifests.render(ROOT, "k8s/overlays/dev"), Deployment.class);
    var container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertThat(container.getImagePullPolicy()).isEqualTo("Never");
    assertThat(env(container)).containsEntry("QUARKUS_LOG_CATEGORY__DEV_BETANET__LEVEL", "DEBUG");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
  }

  @Test
  void crdHasStatusPrinterColumnsAndBounds() throws IOException {
    CustomResourceDefinition crd;
    try (InputStream in =
        Files.newInputStream(ROOT.resolve("crds/mixnetclusters.betanet.dev-v1.yml"))) {
      crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("mxc");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    var version = crd.getSpec().getVersions().getFirst();
    assertThat(version.getName()).isEqualTo("v1alpha1");
    assertThat(version.getSubresources().getStatus()).isNotNull();
    assertThat(version.getAdditionalPrinterColumns())
        .extracting(c -> c.getName())
        .containsExactlyInAnyOrder("Ready", "Mixnodes", "Routers", "Canary", "Phase", "Age");
    var spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    var weight = spec.getProperties().get("canary").getProperties().get("weight");
    assertThat(weight.getMinimum()).isEqualTo(0.0);
    assertThat(weight.getMaximum()).isEqualTo(100.0);
    var layers = spec.getProperties().get("mixnodes").getProperties().get("layers");
    assertThat(layers.getMinimum()).isEqualTo(1.0);
    assertThat(layers.getMaximum()).isEqualTo(5.0);
    assertThat(spec.getProperties().get("fallbackPolicy").getEnum())
        .extracting(Object::toString)
        .containsExactly("\"fallback\"", "\"strict\"");
  }

  private static void assertGranted(
      List<PolicyRule> rules, String group, String resource, String... verbs) {
    List<PolicyRule> matching =
        rules.stream()
            .filter(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource))
            .toList();
    assertThat(matching).as("rule for %s/%s", group, resource).isNotEmpty();
    assertThat(matching.stream().flatMap(r -> r.getVerbs().stream()))
        .as("verbs on %s/%s", group, resource)
        .contains(verbs);
  }

  private static Map<String, String> env(Container container) {
    Map<String, String> env = new HashMap<>();
    if (container.getEnv() != null) {
      container.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    }
    return env;
  }

  private static <T> T only(List<HasMetadata> objects, Class<T> type) {
    List<T> matching = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(matching).as("exactly one %s", type.getSimpleName()).hasSize(1);
    return matching.getFirst();
  }
}
