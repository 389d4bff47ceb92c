package dev.betanet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The install manifests and the committed CRD say what the issue promises: RBAC for every call the
 * operator makes, a restricted operator pod, and a schema the API server can enforce.
 */
class InstallManifestsTest {

  private static final Path ROOT =
      Path.of(System.getProperty("betanet.crds.dir", "../crds")).getParent();

  @Test
  void clusterRoleGrantsWhatTheOperatorDoes() throws IOException {
    ClusterRole role = only(load("k8s/install/10-rbac.yaml"), ClusterRole.class);
    assertGranted(role, "betanet.dev", "mixnetclusters", "get", "list", "watch", "patch");
    assertGranted(role, "betanet.dev", "mixnetclusters/status", "patch", "update");
    assertGranted(role, "betanet.dev", "mixnetclusters/finalizers", "update");
    assertGranted(role, "", "secrets", "get", "list", "create", "update", "delete");
    // The node Role grants get/list/watch on a ConfigMap: the operator must hold them itself.
    assertGranted(role, "", "configmaps", "get", "list", "watch", "create", "update");
    assertGranted(role, "", "services", "get", "create", "update");
    assertGranted(role, "", "serviceaccounts", "get", "create", "update");
    assertGranted(role, "", "events", "create");
    assertGranted(role, "", "pods", "get", "list");
    assertGranted(
        role, "apps", "statefulsets", "get", "list", "watch", "create", "update", "delete");
    assertGranted(role, "networking.k8s.io", "networkpolicies", "get", "create", "update");
    assertGranted(role, "policy", "poddisruptionbudgets", "get", "create", "update");
    assertGranted(role, "rbac.authorization.k8s.io", "roles", "get", "create", "update");
    assertGranted(role, "rbac.authorization.k8s.io", "rolebindings", "get", "create", "update");
    assertThat(role.getRules()).noneMatch(r -> r.getVerbs().contains("*"));
  }

  @Test
  void operatorPodIsRestrictedAndProbedOnTheManagementPort() throws IOException {
    Deployment deployment = only(load("k8s/install/20-operator.yaml"), Deployment.class);
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
      ClusterRole role, String group, String resource, String... verbs) {
    List<PolicyRule> matching =
        role.getRules().stream()
            .filter(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource))
            .toList();
    assertThat(matching).as("rule for %s/%s", group, resource).isNotEmpty();
    assertThat(matching.stream().flatMap(r -> r.getVerbs().stream()))
        .as("verbs on %s/%s", group, resource)
        .contains(verbs);
  }

  private List<HasMetadata> load(String path) throws IOException {
    try (InputStream in = Files.newInputStream(ROOT.resolve(path))) {
      Object parsed = Serialization.unmarshal(in);
      return parsed instanceof KubernetesList list
          ? list.getItems()
          : parsed instanceof List<?> items
              ? items.stream().map(HasMetadata.class::cast).toList()
              : List.of((HasMetadata) parsed);
    }
  }

  private static <T> T only(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
  }
}
