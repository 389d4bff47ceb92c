package dev.betanet.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.crd.AnalysisProvider;
import dev.betanet.operator.crd.FogServiceSpec;
import dev.betanet.operator.crd.PrometheusProviderSpec;
import dev.betanet.protocol.spec.Durations;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecValidationTest {

  @Test
  void theExampleSpecIsValid() {
    assertThat(SpecValidation.problems(ModelFixtures.cluster(1))).isEmpty();
  }

  @Test
  void reportsDuplicateNamesBadAliasesAndBackends() {
    var cluster = ModelFixtures.cluster(1);
    cluster.getSpec().routers.services =
        List.of(
            new FogServiceSpec("echo", "echo.fog", "http://echo"),
            new FogServiceSpec("echo", "echo.fog", "ftp://x"),
            new FogServiceSpec("other", "Not_A_Label.fog", "http://"),
            new FogServiceSpec("tls", null, "https://web.example:443"));
    assertThat(SpecValidation.problems(cluster))
        .containsExactly(
            "spec.routers.services[1].name echo is used twice or missing",
            "spec.routers.services[1].alias echo.fog is used twice",
            "spec.routers.services[1].backend must be an http:// URL with a host (the exit calls it"
                + " over plain HTTP)",
            "spec.routers.services[2].alias must be a DNS label followed by .fog (e.g. echo.fog),"
                + " got Not_A_Label.fog",
            "spec.routers.services[2].backend is not a URL: Expected authority",
            "spec.routers.services[3].backend must be an http:// URL with a host (the exit calls it"
                + " over plain HTTP)");
  }

  @Test
  void thePrometheusProviderNeedsAnAddressWithoutCredentials() {
    var cluster = ModelFixtures.cluster(1);
    cluster.getSpec().canary.analysis.provider = AnalysisProvider.PROMETHEUS;
    assertThat(SpecValidation.problems(cluster))
        .containsExactly(
            "spec.canary.analysis.prometheus.address is required with provider prometheus");

    cluster.getSpec().canary.analysis.prometheus = new PrometheusProviderSpec();
    cluster.getSpec().canary.analysis.prometheus.address = "http://reader:hunter2@prom:9090";
    assertThat(SpecValidation.problems(cluster))
        .containsExactly(
            "spec.canary.analysis.prometheus.address must not carry credentials: use"
                + " bearerTokenSecret")
        .noneMatch(p -> p.contains("hunter2"));

    cluster.getSpec().canary.analysis.prometheus.address = "ftp://prom:9090";
    assertThat(SpecValidation.problems(cluster))
        .containsExactly(
            "spec.canary.analysis.prometheus.address must be an http:// or https:// URL with a"
                + " host");

    cluster.getSpec().canary.analysis.prometheus.address = "https://prom.monitoring:9090/";
    assertThat(SpecValidation.problems(cluster)).isEmpty();
  }

  @Test
  void aBadBackendIsNamedByItsFieldNotEchoed() {
    var cluster = ModelFixtures.cluster(1);
    cluster.getSpec().routers.services =
        List.of(new FogServiceSpec("echo", "echo.fog", "tcp://10.1.2.3:5432"));
    assertThat(SpecValidation.problems(cluster))
        .singleElement()
        .asString()
        .contains("spec.routers.services[0].backend")
        .doesNotContain("10.1.2.3")
        .doesNotContain("5432");
  }

  @Test
  void surbBucketsAreLeftOutOrAscendWithinBounds() {
    var cluster = ModelFixtures.cluster(1);
    cluster.getSpec().mixnodes.surbBuckets = null;
    assertThat(SpecValidation.problems(cluster)).isEmpty();
    cluster.getSpec().mixnodes.surbBuckets = List.of(2, 8, 32);
    assertThat(SpecValidation.problems(cluster)).isEmpty();

    cluster.getSpec().mixnodes.surbBuckets = List.of(4, 4, 16);
    assertThat(SpecValidation.problems(cluster))
        .containsExactly(
            "spec.mixnodes.surbBuckets must ascend strictly within 1..1024, got [4, 4, 16]");
    cluster.getSpec().mixnodes.surbBuckets = List.of(0, 4);
    assertThat(SpecValidation.problems(cluster))
        .containsExactly(
            "spec.mixnodes.surbBuckets must ascend strictly within 1..1024, got [0, 4]");
    cluster.getSpec().mixnodes.surbBuckets = List.of(1, 2048);
    assertThat(SpecValidation.problems(cluster))
        .containsExactly(
            "spec.mixnodes.surbBuckets must ascend strictly within 1..1024, got [1, 2048]");
    cluster.getSpec().mixnodes.surbBuckets = List.of();
    assertThat(SpecValidation.problems(cluster))
        .containsExactly(
            "spec.mixnodes.surbBuckets must hold 1 to 8 values (or be left out for [1, 4, 16, 64]),"
                + " got 0");
    cluster.getSpec().mixnodes.surbBuckets = List.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(SpecValidation.problems(cluster))
        .containsExactly(
            "spec.mixnodes.surbBuckets must hold 1 to 8 values (or be left out for [1, 4, 16, 64]),"
                + " got 9");
  }

  @Test
  void declaredPortsAreWrittenForTheRouterAndCheckedOnce() {
    var cluster = ModelFixtures.cluster(1);
    var echo = new FogServiceSpec("echo", "echo.fog", "http://echo");
    echo.ports =
        List.of(
            new dev.betanet.operator.crd.FogServicePortSpec(22, "tcp://ssh:22"),
            new dev.betanet.operator.crd.FogServicePortSpec(22, "tcp://other:22"),
            new dev.betanet.operator.crd.FogServicePortSpec(5432, "http://db:5432"));
    cluster.getSpec().routers.services = List.of(echo);
    assertThat(SpecValidation.problems(cluster))
        .containsExactly(
            "spec.routers.services[0].ports[1].port 22 is declared twice",
            "spec.routers.services[0].ports[2].backend must be tcp://host:port");
    echo.ports = List.of(new dev.betanet.operator.crd.FogServicePortSpec(22, "tcp://ssh:22"));
    assertThat(SpecValidation.problems(cluster)).isEmpty();
    var keys =
        FogServiceKeys.fromSecret(null)
            .forServices(List.of(echo), new java.security.SecureRandom());
    var written =
        dev.betanet.protocol.topology.ServicesDocument.parse(keys.servicesJson(List.of(echo)));
    assertThat(written.tcpPorts().get("echo.fog"))
        .containsExactlyEntriesOf(java.util.Map.of(22, "tcp://ssh:22"));
    assertThat(written.tcpPorts().get(keys.fogName("echo")))
        .containsExactlyEntriesOf(java.util.Map.of(22, "tcp://ssh:22"));
  }

  @Test
  void overlapMustBeShorterThanTheRotationInterval() {
    var cluster = ModelFixtures.cluster(1);
    cluster.getSpec().keyRotationInterval = "10m";
    cluster.getSpec().keyOverlap = "10m";
    assertThat(SpecValidation.problems(cluster))
        .containsExactly(
            "spec.keyOverlap (10m) must be shorter than spec.keyRotationInterval (10m)");
  }

  @Test
  void stepsMustAscendAndNamesStayShort() {
    var cluster = ModelFixtures.cluster(1);
    cluster.getSpec().canary.steps = List.of(5, 5, 50);
    cluster.getMetadata().setName("x".repeat(41));
    assertThat(SpecValidation.problems(cluster))
        .containsExactly(
            "metadata.name must be at most 40 characters, got 41",
            "spec.canary.steps must ascend within 1..100, got [5, 5, 50]");
  }

  /** Found by SpecValidationFuzzTest (input null-services-list): a NullPointerException before. */
  @Test
  void nullSectionsAreProblemsNotCrashes() {
    var cluster =
        new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
            .unmarshal(
                """
                {"apiVersion":"betanet.dev/v1alpha1","kind":"MixnetCluster",
                 "metadata":{"name":"demo"},
                 "spec":{"routers":{"services":null},"canary":{"analysis":null,"steps":null}}}
                """,
                dev.betanet.operator.crd.MixnetCluster.class);

    assertThat(SpecValidation.problems(cluster))
        .containsExactly(
            "spec.canary.analysis must not be null",
            "spec.canary.steps must not be null",
            "spec.routers.services must not be null");
  }

  @Test
  void durationsAreParsed() {
    assertThat(Durations.parse("1h30m", "f").toMinutes()).isEqualTo(90);
    assertThat(Durations.parse("250ms", "f").toMillis()).isEqualTo(250);
    var cluster = ModelFixtures.cluster(1);
    cluster.getSpec().mixnodes.meanDelay = "fast";
    assertThat(SpecValidation.problems(cluster))
        .containsExactly(
            "spec.mixnodes.meanDelay must be a duration like 500ms, 30s, 10m or 24h, got fast");
  }

  @Test
  void aRotationRequestMustBeATime() {
    var cluster = ModelFixtures.cluster(1);
    cluster.getSpec().rotateKeysAt = "tomorrow";
    assertThat(SpecValidation.problems(cluster))
        .containsExactly(
            "spec.rotateKeysAt must be an RFC 3339 time such as 2026-12-01T15:00:00Z, got"
                + " tomorrow");
    cluster.getSpec().rotateKeysAt = "2026-12-01T15:00:00Z";
    assertThat(SpecValidation.problems(cluster)).isEmpty();
  }
}
