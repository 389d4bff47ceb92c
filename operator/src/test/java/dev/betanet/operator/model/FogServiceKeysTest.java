package dev.betanet.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.crd.FogServiceSpec;
import dev.betanet.protocol.topology.Topology.FogService;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class FogServiceKeysTest {

  private final List<FogServiceSpec> services = ModelFixtures.cluster(2).getSpec().routers.services;
  private final FogServiceKeys keys =
      FogServiceKeys.fromSecret(null).forServices(services, new SecureRandom());
  private final ClusterNames names = new ClusterNames("demo", "ns");

  @Test
  void keysSurviveARoundTripThroughTheirSecret() {
    FogServiceKeys readBack = FogServiceKeys.fromSecret(keys.secret(names));
    assertThat(readBack.sameKeysAs(keys)).isTrue();
    assertThat(readBack.forServices(services, new SecureRandom()).fogName("echo"))
        .isEqualTo(keys.fogName("echo"));
  }

  @Test
  void newServicesGetKeysAndRemovedOnesLoseThem() {
    FogServiceKeys fewer = keys.forServices(List.of(services.getFirst()), new SecureRandom());
    assertThat(fewer.fogName("echo")).isEqualTo(keys.fogName("echo"));
    FogServiceKeys more =
        fewer.forServices(
            List.of(services.getFirst(), new FogServiceSpec("api", null, "http://api")),
            new SecureRandom());
    assertThat(more.fogName("api")).endsWith(".fog").isNotEqualTo(keys.fogName("echo"));
    assertThat(more.sameKeysAs(fewer)).isFalse();
  }

  @Test
  void servicesAreSpreadOverRouters() {
    assertThat(keys.hostedBy(0, 2, services))
        .containsExactly(new FogService(keys.fogName("echo"), "echo.fog"));
    assertThat(keys.hostedBy(1, 2, services))
        .containsExactly(new FogService(keys.fogName("web"), ""));
    assertThat(keys.hostedBy(0, 1, services)).hasSize(2);
  }

  @Test
  void anUnreadableSecretYieldsNoKeys() {
    var secret = keys.secret(names);
    secret.getData().put(FogServiceKeys.FILE_NAME, "bm90IGpzb24=");
    assertThat(FogServiceKeys.fromSecret(secret).sameKeysAs(FogServiceKeys.fromSecret(null)))
        .isTrue();
  }
}
