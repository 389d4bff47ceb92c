package dev.betanet.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import java.security.SecureRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RouterModelTest {

  private final RouterModel model = RouterModel.from(ModelFixtures.cluster(2));

  @Test
  void oneStatefulSetPerRouterWithProxyPacketTunnelAndManagementPorts() {
    assertThat(model.nodes()).containsExactly("demo-router-0", "demo-router-1");
    var container =
        model
            .statefulSet("demo-router-1")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .getFirst();
    assertThat(container.getPorts())
        .extracting(p -> p.getContainerPort())
        .containsExactly(8080, 1789, 1790, 9000);
    var env =
        container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env)
        .containsEntry("BETANET_NODE_ID", "demo-router-1-0")
        .containsEntry("BETANET_SERVICES_FILE", "/etc/betanet/services/services.json")
        .doesNotContainKey("BETANET_FOG_KEYS_FILE");
  }

  @Test
  void eachRouterPodReachesItsOwnKeysAndNoOtherSecret() {
    for (String router : model.nodes()) {
      var pod = model.statefulSet(router).getSpec().getTemplate().getSpec();
      assertThat(SecretReferences.of(pod))
          .as("secrets %s can read", router)
          .containsExactly(router + "-0-keys");
    }
  }

  @Test
  void addressesAndServices() {
    assertThat(model.packetAddress("demo-router-1"))
        .isEqualTo("demo-router-1-0.demo-routers.ns.svc:1789");
    assertThat(model.tunnelAddress("demo-router-1"))
        .isEqualTo("demo-router-1-0.demo-routers.ns.svc:1790");
    assertThat(model.clientService().getMetadata().getName()).isEqualTo("demo-router");
    assertThat(model.clientService().getSpec().getPorts())
        .extracting(p -> p.getPort())
        .containsExactly(8080);
    assertThat(model.headlessService().getSpec().getClusterIP()).isEqualTo("None");
  }

  @Test
  void tunnelAndPacketsOnlyFromClusterNodesProxyFromAnywhere() {
    var rules = model.networkPolicy().getSpec().getIngress();
    assertThat(rules.getFirst().getPorts())
        .extracting(p -> p.getPort().getIntVal())
        .containsExactly(1789, 1790);
    assertThat(rules.getFirst().getFrom()).hasSize(1);
    assertThat(rules.get(1).getPorts())
        .extracting(p -> p.getPort().getIntVal())
        .containsExactly(8080, 9000);
  }

  @Test
  void servicesFileMapsFogNamesAndAliasesToBackends() {
    var cluster = ModelFixtures.cluster(2);
    FogServiceKeys keys =
        FogServiceKeys.fromSecret(null)
            .forServices(cluster.getSpec().routers.services, new SecureRandom());
    String json = model.servicesConfigMap(keys).getData().get("services.json");
    assertThat(json)
        .contains("\"echo.fog\"")
        .contains("\"" + keys.fogName("echo") + "\"")
        .contains("\"" + keys.fogName("web") + "\"")
        .contains("http://web.example:8443");
  }
}
