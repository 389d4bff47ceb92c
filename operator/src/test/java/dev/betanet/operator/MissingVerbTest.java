package dev.betanet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.betanet.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The install's ClusterRole with one verb taken out ({@code create} on Secrets): the operator,
 * running as its service account, is refused the first key Secret, as on a cluster whose role lacks
 * it, and says so in status. The same install with the verb reconciles (every other operator test).
 */
@QuarkusTest
@WithRbacApiServer(withoutVerbs = "secrets:create")
class MissingVerbTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String NS = "missing-verb";

  @ApiAdmin KubernetesClient client;

  @Test
  void aVerbTheClusterRoleLacksFailsTheReconcileWith403() {
    client.resource(TestClusters.demo(NS, "demo")).create();
    ClusterObjects objects = new ClusterObjects(client);

    Condition ready =
        await()
            .atMost(WAIT)
            .until(
                () -> readyCondition(objects),
                c -> c != null && "ReconcileFailed".equals(c.getReason()));
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getMessage())
        .startsWith("a request to the Kubernetes API failed with HTTP 403");
    assertThat(client.secrets().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems()).isEmpty();
  }

  private static Condition readyCondition(ClusterObjects objects) {
    var cluster = objects.cluster(NS, "demo");
    if (cluster == null || cluster.getStatus() == null) {
      return null;
    }
    return Conditions.find(cluster.getStatus().conditions, Conditions.READY).orElse(null);
  }
}
