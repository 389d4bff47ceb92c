package dev.betanet.operator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.MixnetClusterSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The real operator, running against an in-process Kubernetes API (Fabric8 mock, CRUD mode). */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class MixnetClusterReconcilerTest {

  @Inject KubernetesClient client;

  @TestHTTPResource(value = "/health/ready", management = true)
  URL ready;

  @Test
  void acknowledgesTheGenerationItReconciled() {
    var cluster = new MixnetCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName("demo").withNamespace("test").build());
    cluster.setSpec(new MixnetClusterSpec());
    client.resource(cluster).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var seen = client.resources(MixnetCluster.class).inNamespace("test").withName("demo");
              assertThat(seen.get().getStatus()).isNotNull();
              assertThat(seen.get().getStatus().getObservedGeneration())
                  .isEqualTo(seen.get().getMetadata().getGeneration());
            });
  }

  @Test
  void reportsReadyOnManagementPort() {
    given().when().get(ready).then().statusCode(200).body("status", equalTo("UP"));
  }
}
