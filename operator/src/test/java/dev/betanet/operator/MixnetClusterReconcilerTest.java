package dev.betanet.operator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.betanet.operator.crd.FogServiceSpec;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.model.ClusterNames;
import dev.betanet.operator.status.Conditions;
import dev.betanet.protocol.topology.FogName;
import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.Topology;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real operator against an in-process Kubernetes API (Fabric8 mock, CRUD mode). The test plays
 * kubelet: it sets StatefulSet readyReplicas. Each test uses its own namespace.
 */
@QuarkusTest
@WithRbacApiServer
class MixnetClusterReconcilerTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @ApiAdmin KubernetesClient client;

  @TestHTTPResource(value = "/health/ready", management = true)
  URL ready;

  MovableClock clock = new MovableClock();
  ClusterObjects objects;

  @BeforeEach
  void installClock() {
    objects = new ClusterObjects(client);
    QuarkusMock.installMockForType(clock, dev.betanet.operator.reconcile.OperatorClock.class);
  }

  @Test
  void createsEveryOwnedResourceWithTheRightContent() throws Exception {
    String ns = "create";
    MixnetCluster cluster = client.resource(TestClusters.demo(ns, "demo")).create();
    Topology topology = objects.awaitTopology(ns, "demo", 1);

    List<StatefulSet> sets = objects.statefulSets(ns);
    assertThat(sets.stream().map(s -> s.getMetadata().getName()))
        .containsExactlyInAnyOrder(
            "demo-mix-0-0",
            "demo-mix-0-1",
            "demo-mix-1-0",
            "demo-mix-1-1",
            "demo-mix-2-0",
            "demo-mix-2-1",
            "demo-router-0");

    Key32 operatorKey = objects.operatorKey(ns, "demo");
    for (StatefulSet set : sets) {
      String nodeId = set.getMetadata().getName() + "-0";
      NodeKeys keys = objects.nodeKeys(ns, nodeId);
      assertThat(keys.nodeId()).isEqualTo(nodeId);
      assertThat(keys.operatorKey()).isEqualTo(operatorKey);
      assertRestrictedAndWired(set, nodeId);
    }
    assertThat(topology.layers()).hasSize(3);
    var mixnode = topology.mixnode("demo-mix-1-0-0").orElseThrow();
    assertThat(mixnode.address()).isEqualTo("demo-mix-1-0-0.demo-mixnodes.create.svc:1789");
    assertThat(mixnode.x25519())
        .isEqualTo(objects.nodeKeys(ns, "demo-mix-1-0-0").current().publicKey());
    var router = topology.routers().getFirst();
    assertThat(router.tunnelAddress()).isEqualTo("demo-router-0-0.demo-routers.create.svc:1790");
    assertThat(router.services()).hasSize(1);
    String fogName = router.services().getFirst().name();
    assertThat(router.services().getFirst().alias()).isEqualTo("echo.fog");
    assertThat(topology.canary().weight()).isZero();

    String servicesJson =
        client
            .configMaps()
            .inNamespace(ns)
            .withName("demo-router-services")
            .get()
            .getData()
            .get("services.json");
    assertThat(servicesJson)
        .contains("\"echo.fog\"", "\"" + fogName + "\"", "http://echo.create.svc:8080");
    // The name is the service's key: the private key kept for it derives the key the name encodes.
    var fogKeys =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(objects.secretFile(ns, "demo-fog-services", "fog-keys.json"));
    byte[] privateKey =
        java.util.Base64.getDecoder().decode(fogKeys.path(fogName).path("privateKey").asText());
    assertThat(fogKeys.path(fogName).path("service").asText()).isEqualTo("echo");
    assertThat(dev.betanet.protocol.topology.Ed25519Keys.publicOf(privateKey))
        .isEqualTo(FogName.publicKeyOf(fogName));

    NetworkPolicy mixPolicy =
        client.network().v1().networkPolicies().inNamespace(ns).withName("demo-mixnode").get();
    var packetRule = mixPolicy.getSpec().getIngress().getFirst();
    assertThat(packetRule.getPorts().getFirst().getPort().getIntVal()).isEqualTo(1789);
    var peer = packetRule.getFrom().getFirst().getPodSelector();
    assertThat(peer.getMatchLabels()).containsEntry("betanet.dev/cluster", "demo");
    assertThat(peer.getMatchExpressions().getFirst().getValues())
        .containsExactlyInAnyOrder("mixnode", "router");

    Role role = client.rbac().roles().inNamespace(ns).withName("demo-topology-reader").get();
    assertThat(role.getRules().getFirst().getResourceNames()).containsExactly("demo-topology");
    assertThat(client.services().inNamespace(ns).withName("demo-router").get().getSpec().getPorts())
        .extracting(p -> p.getPort())
        .containsExactly(8080);
    assertThat(
            client
                .services()
                .inNamespace(ns)
                .withName("demo-mixnodes")
                .get()
                .getSpec()
                .getClusterIP())
        .isEqualTo("None");
    assertDisruptionBudgetCoversOnly(ns, "demo-router", "router");
    assertDisruptionBudgetCoversOnly(ns, "demo-mixnode", "mixnode");

    String uid = client.resource(cluster).get().getMetadata().getUid();
    for (HasMetadata owned : objects.ownedObjects(ns)) {
      assertThat(owned.getMetadata().getOwnerReferences())
          .as("owner of %s/%s", owned.getKind(), owned.getMetadata().getName())
          .singleElement()
          .satisfies(
              ref -> {
                assertThat(ref.getUid()).isEqualTo(uid);
                assertThat(ref.getController()).isTrue();
              });
    }
    // The mock does not collect garbage: deleting the cluster is checked through the owner
    // references above; the cluster itself goes away.
    client.resource(cluster).delete();
    await().atMost(WAIT).until(() -> client.resource(cluster).get() == null);
  }

  @Test
  void becomesReadyAndCanaryChangesTouchOnlyTheTopology() {
    String ns = "ready";
    client.resource(TestClusters.demo(ns, "demo")).create();
    objects.awaitTopology(ns, "demo", 1);
    assertThat(objects.condition(ns, "demo", Conditions.READY).getStatus()).isEqualTo("False");

    objects.statefulSets(ns).forEach(objects::markReady);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var readyCondition = objects.condition(ns, "demo", Conditions.READY);
              assertThat(readyCondition.getStatus()).isEqualTo("True");
              assertThat(readyCondition.getReason()).isEqualTo("AllNodesReady");
              assertThat(objects.cluster(ns, "demo").getStatus().mixnodes).isEqualTo("6/6");
            });
    assertThat(objects.condition(ns, "demo", Conditions.MIXNODES_READY).getStatus())
        .isEqualTo("True");
    assertThat(objects.condition(ns, "demo", Conditions.ROUTERS_READY).getStatus())
        .isEqualTo("True");
    assertThat(objects.condition(ns, "demo", Conditions.TOPOLOGY_PUBLISHED).getStatus())
        .isEqualTo("True");
    assertThat(objects.events(ns)).contains("Ready");

    // Nodes became healthy in the topology: one more epoch; then nothing churns.
    long epoch =
        await()
            .atMost(WAIT)
            .until(
                () -> objects.topology(ns, "demo"),
                t -> t != null && t.mixnode("demo-mix-0-0-0").orElseThrow().healthy())
            .epoch();
    Map<String, String> versions = objects.resourceVersions(ns);
    String topologyVersion =
        objects.topologyConfigMap(ns, "demo").getMetadata().getResourceVersion();
    long generation = objects.cluster(ns, "demo").getMetadata().getGeneration();

    client
        .resources(MixnetCluster.class)
        .inNamespace(ns)
        .withName("demo")
        .edit(
            c -> {
              c.getSpec().canary.weight = 25;
              return c;
            });
    Topology changed = objects.awaitTopology(ns, "demo", epoch + 1);
    assertThat(changed.canary().weight()).isEqualTo(25);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var status = objects.cluster(ns, "demo").getStatus();
              assertThat(status.observedGeneration).isGreaterThan(generation);
              assertThat(status.canaryWeight).isEqualTo(25);
              assertThat(status.topologyEpoch).isEqualTo(epoch + 1);
            });
    assertThat(objects.topologyConfigMap(ns, "demo").getMetadata().getResourceVersion())
        .isNotEqualTo(topologyVersion);
    assertThat(objects.resourceVersions(ns))
        .as("pod templates and keys untouched")
        .isEqualTo(versions);
    assertThat(objects.topology(ns, "demo").epoch()).isEqualTo(epoch + 1);

    client
        .resources(MixnetCluster.class)
        .inNamespace(ns)
        .withName("demo")
        .edit(
            c -> {
              c.getSpec().fallbackPolicy = dev.betanet.operator.crd.FallbackPolicy.STRICT;
              return c;
            });
    Topology strict = objects.awaitTopology(ns, "demo", epoch + 2);
    assertThat(strict.canary()).isEqualTo(new Topology.Canary(25, Topology.FallbackPolicy.STRICT));
    assertThat(objects.resourceVersions(ns))
        .as("pod templates and keys untouched")
        .isEqualTo(versions);
  }

  @Test
  void revertsHandEditsOfReplicasImagesAndConfigMapData() {
    String ns = "drift";
    client.resource(TestClusters.demo(ns, "demo")).create();
    objects.awaitTopology(ns, "demo", 1);
    StatefulSet original = objects.statefulSets(ns).getFirst();
    String name = original.getMetadata().getName();
    String services = ClusterNames.of(objects.cluster(ns, "demo")).routerServicesConfigMap();
    Map<String, String> servicesData =
        client.configMaps().inNamespace(ns).withName(services).get().getData();

    // Edits that keep the operator's annotation, as kubectl edit, scale and set image do.
    client
        .configMaps()
        .inNamespace(ns)
        .withName(services)
        .edit(c -> new ConfigMapBuilder(c).withData(Map.of("services.json", "{}")).build());
    client
        .apps()
        .statefulSets()
        .inNamespace(ns)
        .withName(name)
        .edit(
            set -> {
              set.getSpec().setReplicas(0);
              set.getSpec().getTemplate().getSpec().getContainers().getFirst().setImage("evil:1");
              return set;
            });

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              StatefulSet live = client.apps().statefulSets().inNamespace(ns).withName(name).get();
              assertThat(live.getSpec().getReplicas()).isEqualTo(original.getSpec().getReplicas());
              assertThat(
                      live.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
                  .isEqualTo(
                      original
                          .getSpec()
                          .getTemplate()
                          .getSpec()
                          .getContainers()
                          .getFirst()
                          .getImage());
              assertThat(client.configMaps().inNamespace(ns).withName(services).get().getData())
                  .isEqualTo(servicesData);
              assertThat(objects.events(ns)).contains("HandEditReverted");
            });
  }

  @Test
  void scalingALayerAddsStatefulSetsAndKeys() {
    String ns = "scale";
    client.resource(TestClusters.demo(ns, "demo")).create();
    objects.awaitTopology(ns, "demo", 1);
    client
        .resources(MixnetCluster.class)
        .inNamespace(ns)
        .withName("demo")
        .edit(
            c -> {
              c.getSpec().mixnodes.nodesPerLayer = 3;
              return c;
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(objects.statefulSets(ns)).hasSize(10);
              assertThat(objects.topology(ns, "demo").layers())
                  .allSatisfy(l -> assertThat(l.mixnodes()).hasSize(3));
            });
    assertThat(objects.nodeKeys(ns, "demo-mix-2-2-0").nodeId()).isEqualTo("demo-mix-2-2-0");

    client
        .resources(MixnetCluster.class)
        .inNamespace(ns)
        .withName("demo")
        .edit(
            c -> {
              c.getSpec().mixnodes.layers = 2;
              return c;
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(objects.statefulSets(ns)).hasSize(7);
              assertThat(client.secrets().inNamespace(ns).withName("demo-mix-2-0-0-keys").get())
                  .isNull();
            });
  }

  @Test
  void invalidSpecBecomesAConditionNotARetryLoop() {
    String ns = "invalid";
    MixnetCluster bad = TestClusters.demo(ns, "demo");
    bad.getSpec().routers.services =
        List.of(
            new FogServiceSpec("echo", "Echo_Service.fog", "http://echo:8080"),
            new FogServiceSpec("echo", "", "http://other:8080"));
    client.resource(bad).create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var readyCondition = objects.condition(ns, "demo", Conditions.READY);
              assertThat(readyCondition.getStatus()).isEqualTo("False");
              assertThat(readyCondition.getReason()).isEqualTo("InvalidSpec");
              assertThat(readyCondition.getMessage())
                  .contains("spec.routers.services[0].alias must be a DNS label followed by .fog")
                  .contains("spec.routers.services[1].name echo is used twice");
              assertThat(objects.cluster(ns, "demo").getStatus().phase).isEqualTo("Failed");
            });
    assertThat(objects.statefulSets(ns)).isEmpty();
    assertThat(client.secrets().inNamespace(ns).list().getItems()).isEmpty();
    String transition = objects.condition(ns, "demo", Conditions.READY).getLastTransitionTime();
    assertThat(transition).isEqualTo(clock.now().toString());

    // Later, the spec is fixed: Ready stays False (nodes not ready yet), so no transition.
    clock.advance(Duration.ofMinutes(1));
    client
        .resources(MixnetCluster.class)
        .inNamespace(ns)
        .withName("demo")
        .edit(
            c -> {
              c.getSpec().routers.services =
                  TestClusters.demo(ns, "demo").getSpec().routers.services;
              return c;
            });
    objects.awaitTopology(ns, "demo", 1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(objects.condition(ns, "demo", Conditions.READY).getReason())
                    .isEqualTo("NodesNotReady"));
    assertThat(objects.events(ns)).contains("InvalidSpec");
    assertThat(objects.condition(ns, "demo", Conditions.READY).getLastTransitionTime())
        .as("False (InvalidSpec) → False (NodesNotReady) is no transition")
        .isEqualTo(transition);

    // Later still, every node becomes ready: Ready flips to True, and the time moves with it.
    clock.advance(Duration.ofMinutes(1));
    objects.statefulSets(ns).forEach(objects::markReady);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(objects.condition(ns, "demo", Conditions.READY).getStatus())
                    .isEqualTo("True"));
    assertThat(objects.condition(ns, "demo", Conditions.READY).getLastTransitionTime())
        .isEqualTo(clock.now().toString())
        .isNotEqualTo(transition);
  }

  @Test
  void rotatesPacketKeysPublishesThemOnceTheNodesHaveThemAndRetiresThePreviousAfterTheOverlap() {
    String ns = "rotate";
    MixnetCluster cluster = TestClusters.demo(ns, "demo");
    cluster.getSpec().keyRotationInterval = "1h";
    cluster.getSpec().keyOverlap = "10m";
    client.resource(cluster).create();
    Topology first = objects.awaitTopology(ns, "demo", 1);
    NodeKeys before = objects.nodeKeys(ns, "demo-mix-0-0-0");
    assertThat(before.packetKeys()).hasSize(1);
    assertThat(before.current().epoch()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(61));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              NodeKeys rotated = objects.nodeKeys(ns, "demo-mix-0-0-0");
              assertThat(rotated.packetKeys())
                  .extracting(NodeKeys.EpochKey::epoch)
                  .containsExactly(2L, 1L);
              assertThat(rotated.identityPublic()).isEqualTo(before.identityPublic());
              assertThat(rotated.packetKeys().get(1)).isEqualTo(before.current());
              assertThat(objects.events(ns)).contains("KeysRotated");
            });
    // The nodes hold the new key, but senders keep the old one until the nodes have had half the
    // overlap to load it.
    var stillOld = objects.topology(ns, "demo").mixnode("demo-mix-0-0-0").orElseThrow();
    assertThat(stillOld.keyEpoch()).isEqualTo(1);
    assertThat(stillOld.x25519()).isEqualTo(before.current().publicKey());

    clock.advance(Duration.ofMinutes(5));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var entry = objects.topology(ns, "demo").mixnode("demo-mix-0-0-0").orElseThrow();
              assertThat(entry.keyEpoch()).isEqualTo(2);
              assertThat(entry.x25519())
                  .isEqualTo(objects.nodeKeys(ns, "demo-mix-0-0-0").current().publicKey());
              assertThat(objects.topology(ns, "demo").routers().getFirst().keyEpoch()).isEqualTo(2);
            });
    assertThat(objects.topology(ns, "demo").epoch()).isGreaterThan(first.epoch());
    assertThat(objects.nodeKeys(ns, "demo-router-0-0").packetKeys()).hasSize(2);

    clock.advance(Duration.ofMinutes(6));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(objects.nodeKeys(ns, "demo-router-0-0").packetKeys())
                    .extracting(NodeKeys.EpochKey::epoch)
                    .containsExactly(2L));
    assertThat(objects.cluster(ns, "demo").getStatus().keyEpoch).isEqualTo(2);
  }

  @Test
  void reportsReadyOnManagementPort() {
    given().when().get(ready).then().statusCode(200).body("status", equalTo("UP"));
  }

  private void assertRestrictedAndWired(StatefulSet set, String nodeId) {
    var pod = set.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var container = pod.getContainers().getFirst();
    var security = container.getSecurityContext();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    Map<String, String> env =
        container.getEnv().stream().collect(Collectors.toMap(e -> e.getName(), e -> e.getValue()));
    assertThat(env)
        .containsEntry("BETANET_NODE_ID", nodeId)
        .containsEntry("BETANET_KEYS_FILE", "/etc/betanet/keys/keys.json")
        .containsEntry("BETANET_TOPOLOGY_FILE", "/etc/betanet/topology/topology.json");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getSecret() != null && v.getSecret().getSecretName().endsWith("-keys"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo(nodeId + "-keys"));
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(container.getPorts()).extracting(p -> p.getContainerPort()).contains(1789, 9000);
    if (nodeId.contains("-router-")) {
      assertThat(container.getPorts()).extracting(p -> p.getContainerPort()).contains(8080, 1790);
      assertThat(env).containsEntry("BETANET_SERVICES_FILE", "/etc/betanet/services/services.json");
    } else {
      assertThat(pod.getVolumes())
          .noneMatch(
              v ->
                  v.getSecret() != null && v.getSecret().getSecretName().endsWith("-fog-services"));
    }
  }

  /**
   * The budget lets a drain take one pod at a time, and its selector picks exactly the pods of
   * {@code component}'s StatefulSets: every one of them, and no pod of the other kind.
   */
  private void assertDisruptionBudgetCoversOnly(String ns, String name, String component) {
    var budget = client.policy().v1().podDisruptionBudget().inNamespace(ns).withName(name).get();
    assertThat(budget).as(name).isNotNull();
    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(budget.getSpec().getMinAvailable()).isNull();
    Map<String, String> selector = budget.getSpec().getSelector().getMatchLabels();
    assertThat(budget.getSpec().getSelector().getMatchExpressions()).isNullOrEmpty();
    List<StatefulSet> sets = objects.statefulSets(ns);
    assertThat(sets).isNotEmpty();
    for (StatefulSet set : sets) {
      Map<String, String> podLabels = set.getSpec().getTemplate().getMetadata().getLabels();
      boolean selected = podLabels.entrySet().containsAll(selector.entrySet());
      boolean ofComponent = component.equals(podLabels.get(ClusterNames.LABEL_COMPONENT));
      assertThat(selected)
          .as("%s selects the pods of %s", name, set.getMetadata().getName())
          .isEqualTo(ofComponent);
    }
  }
}
