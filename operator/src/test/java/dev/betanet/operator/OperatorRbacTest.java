package dev.betanet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.crd.MixnetCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the RBAC of the install and of the operator's own Roles lets each identity do, checked by
 * the API as a cluster checks it: the operator reconciles as {@code
 * system:serviceaccount:betanet-system:betanet-operator} (every other operator test does too, so
 * the install's ClusterRole is shown sufficient for the whole reconcile, the canary and leader
 * election), and a node's service account may read its own cluster's topology and nothing else.
 */
@QuarkusTest
@WithRbacApiServer
class OperatorRbacTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String NS = "rbac";

  @ApiAdmin KubernetesClient client;
  @ApiAdmin RbacApiServer api;

  @Test
  void aRouterReadsItsOwnTopologyAndNoOtherConfigMapNorAnySecret() throws Exception {
    ClusterObjects objects = new ClusterObjects(client);
    client.resource(TestClusters.demo(NS, "a")).create();
    client.resource(TestClusters.demo(NS, "b")).create();
    objects.awaitTopology(NS, "a", 1);
    objects.awaitTopology(NS, "b", 1);

    try (KubernetesClient router = api.serviceAccountClient(NS, "a-router")) {
      assertThat(router.configMaps().inNamespace(NS).withName("a-topology").get()).isNotNull();
      CompletableFuture<ConfigMap> seen = new CompletableFuture<>();
      try (Watch watch =
          router.configMaps().inNamespace(NS).withName("a-topology").watch(watcher(seen))) {
        client
            .configMaps()
            .inNamespace(NS)
            .withName("a-topology")
            .edit(
                c ->
                    new ConfigMapBuilder(c)
                        .editMetadata()
                        .addToAnnotations("touched", "yes")
                        .endMetadata()
                        .build());
        assertThat(seen.get(WAIT.toSeconds(), TimeUnit.SECONDS).getMetadata().getName())
            .isEqualTo("a-topology");
      }

      assertThat(refusal(() -> router.configMaps().inNamespace(NS).withName("b-topology").get()))
          .isEqualTo(
              "configmaps \"b-topology\" is forbidden: User"
                  + " \"system:serviceaccount:rbac:a-router\" cannot get resource \"configmaps\""
                  + " in API group \"\" in the namespace \"rbac\"");
      // Its services ConfigMap and its keys reach it as mounted volumes (kubelet reads them),
      // never through its own identity.
      assertThat(
              refusal(
                  () -> router.configMaps().inNamespace(NS).withName("a-router-services").get()))
          .contains("cannot get resource \"configmaps\"");
      assertThat(refusal(() -> router.configMaps().inNamespace(NS).list()))
          .contains("cannot list resource \"configmaps\"");
      assertThat(
              refusal(() -> router.secrets().inNamespace(NS).withName("a-router-0-0-keys").get()))
          .contains("cannot get resource \"secrets\"");
      assertThat(
              refusal(() -> router.secrets().inNamespace(NS).withName("b-router-0-0-keys").get()))
          .contains("cannot get resource \"secrets\"");
      assertThat(
              refusal(
                  () ->
                      router
                          .configMaps()
                          .inNamespace(NS)
                          .withName("a-topology")
                          .edit(c -> new ConfigMapBuilder(c).addToData("x", "y").build())))
          .contains("cannot patch resource \"configmaps\"");
    }
    try (KubernetesClient mixnode = api.serviceAccountClient(NS, "b-mixnode")) {
      assertThat(mixnode.configMaps().inNamespace(NS).withName("b-topology").get()).isNotNull();
      assertThat(refusal(() -> mixnode.configMaps().inNamespace(NS).withName("a-topology").get()))
          .contains("cannot get resource \"configmaps\"");
    }
  }

  @Test
  void theOperatorCannotDoWhatItsClusterRoleDoesNotGrant() {
    try (KubernetesClient operator =
        api.serviceAccountClient(
            RbacApiServer.OPERATOR_NAMESPACE, RbacApiServer.OPERATOR_ACCOUNT)) {
      assertThat(operator.resources(MixnetCluster.class).inAnyNamespace().list()).isNotNull();
      assertThat(refusal(() -> operator.configMaps().inNamespace(NS).withName("x").delete()))
          .contains("cannot delete resource \"configmaps\"");
      assertThat(refusal(() -> operator.nodes().list()))
          .isEqualTo(
              "nodes is forbidden: User"
                  + " \"system:serviceaccount:betanet-system:betanet-operator\" cannot list"
                  + " resource \"nodes\" in API group \"\" at the cluster scope");
      // Granting itself more is escalation, refused even with create on roles.
      assertThat(
              refusal(
                  () ->
                      operator
                          .rbac()
                          .clusterRoles()
                          .resource(
                              new ClusterRoleBuilder()
                                  .withNewMetadata()
                                  .withName("more")
                                  .endMetadata()
                                  .build())
                          .create()))
          .contains("cannot create resource \"clusterroles\"");
    }
  }

  /** The message of the 403 {@code call} ends in. */
  private static String refusal(Runnable call) {
    try {
      call.run();
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403);
      assertThat(e.getStatus().getReason()).isEqualTo("Forbidden");
      return e.getStatus().getMessage();
    }
    throw new AssertionError("the API allowed it");
  }

  private static Watcher<ConfigMap> watcher(CompletableFuture<ConfigMap> seen) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap resource) {
        if (action == Action.MODIFIED
            && resource.getMetadata().getAnnotations() != null
            && resource.getMetadata().getAnnotations().containsKey("touched")) {
          seen.complete(resource);
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        seen.completeExceptionally(cause);
      }
    };
  }
}
