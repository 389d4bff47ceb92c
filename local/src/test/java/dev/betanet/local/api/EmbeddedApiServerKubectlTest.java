package dev.betanet.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the embedded API with the real kubectl, as a user of the local mode would. */
class EmbeddedApiServerKubectlTest {

  private static final Path CRD = Path.of("..", "crds", "mixnetclusters.betanet.dev-v1.yml");
  private static final ResourceDefinitionContext MXC =
      new ResourceDefinitionContext.Builder()
          .withGroup("betanet.dev")
          .withVersion("v1alpha1")
          .withKind("MixnetCluster")
          .withPlural("mixnetclusters")
          .withNamespaced(true)
          .build();

  @TempDir static Path dir;
  private static EmbeddedApiServer server;
  private static KubernetesClient client;
  private static Kubectl kubectl;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(Kubectl.onPath(), "kubectl is not on PATH; skipping kubectl tests");
    server = EmbeddedApiServer.start(0);
    client = server.newClient();
    kubectl = new Kubectl(server.writeKubeconfig(dir.resolve("kubeconfig")));
    kubectl.ok("apply", "--validate=false", "-f", CRD.toString());
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static Path write(String name, String yaml) throws Exception {
    return Files.writeString(dir.resolve(name), yaml);
  }

  private static Path mixnetCluster(String name, int layers) throws Exception {
    return write(
        name + ".yaml",
        """
        apiVersion: betanet.dev/v1alpha1
        kind: MixnetCluster
        metadata:
          name: %s
        spec:
          layers: %d
        """
            .formatted(name, layers));
  }

  @Test
  void discoveryListsTheCrdWithItsShortName() throws Exception {
    assertThat(kubectl.ok("api-resources"))
        .containsPattern("mixnetclusters\\s+mxc\\s+betanet.dev/v1alpha1\\s+true\\s+MixnetCluster");
  }

  @Test
  void appliesNamespaceAndGetsItAsYaml() throws Exception {
    kubectl.ok(
        "apply",
        "--validate=false",
        "-f",
        write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: mixnet\n")
            .toString());
    assertThat(kubectl.ok("get", "namespace", "mixnet", "-o", "yaml")).contains("name: mixnet");
  }

  @Test
  void appliesGetsPatchesAndDeletesAMixnetCluster() throws Exception {
    Path file = mixnetCluster("demo", 3);
    assertThat(kubectl.ok("apply", "--validate=false", "-f", file.toString())).contains("created");
    assertThat(kubectl.ok("apply", "--validate=false", "-f", file.toString()))
        .contains("unchanged");
    assertThat(kubectl.ok("get", "mxc")).contains("demo");

    kubectl.ok("patch", "mxc", "demo", "--type", "merge", "-p", "{\"spec\":{\"layers\":5}}");
    assertThat(kubectl.ok("get", "mxc", "demo", "-o", "jsonpath={.spec.layers}")).isEqualTo("5");
    assertThat(client.genericKubernetesResources(MXC).inNamespace("default").withName("demo").get())
        .extracting(r -> r.getMetadata().getGeneration())
        .isEqualTo(2L);

    kubectl.ok("apply", "--validate=false", "-f", mixnetCluster("demo", 4).toString());
    assertThat(kubectl.ok("get", "mxc", "demo", "-o", "json")).contains("\"layers\": 4");

    kubectl.ok("delete", "mxc", "demo");
    assertThat(client.genericKubernetesResources(MXC).inNamespace("default").withName("demo").get())
        .isNull();
  }

  @Test
  void appliesAConfigMapTwiceAndThenAChangedOne() throws Exception {
    String cm =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  weight: \"%s\"\n";
    Path file = write("cm.yaml", cm.formatted("10"));
    kubectl.ok("apply", "--validate=false", "-f", file.toString());
    kubectl.ok("apply", "--validate=false", "-f", file.toString());
    kubectl.ok("apply", "--validate=false", "-f", write("cm.yaml", cm.formatted("20")).toString());
    assertThat(client.configMaps().inNamespace("default").withName("settings").get().getData())
        .containsEntry("weight", "20");
  }

  @Test
  void waitSucceedsWhenTheClientHasSetReady() throws Exception {
    kubectl.ok("apply", "--validate=false", "-f", mixnetCluster("ready", 3).toString());
    var resource = client.genericKubernetesResources(MXC).inNamespace("default").withName("ready");
    GenericKubernetesResource cluster = resource.get();
    cluster.setAdditionalProperty(
        "status",
        java.util.Map.of(
            "conditions", java.util.List.of(java.util.Map.of("type", "Ready", "status", "True"))));
    client.genericKubernetesResources(MXC).inNamespace("default").resource(cluster).updateStatus();

    assertThat(kubectl.ok("wait", "--for=condition=Ready", "mxc/ready", "--timeout=10s"))
        .contains("condition met");
  }

  @Test
  void waitTimesOutWhenNotReady() throws Exception {
    kubectl.ok("apply", "--validate=false", "-f", mixnetCluster("pending", 3).toString());
    Kubectl.Result result =
        kubectl.run("wait", "--for=condition=Ready", "mxc/pending", "--timeout=2s");
    assertThat(result.exit()).isNotZero();
    assertThat(result.output()).contains("timed out waiting for the condition");
  }

  @Test
  void deletingAMixnetClusterDeletesWhatItOwnsOnly() throws Exception {
    kubectl.ok("apply", "--validate=false", "-f", mixnetCluster("owner", 3).toString());
    String uid =
        client
            .genericKubernetesResources(MXC)
            .inNamespace("default")
            .withName("owner")
            .get()
            .getMetadata()
            .getUid();
    client
        .configMaps()
        .inNamespace("default")
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName("owned")
                .addNewOwnerReference()
                .withApiVersion("betanet.dev/v1alpha1")
                .withKind("MixnetCluster")
                .withName("owner")
                .withUid(uid)
                .endOwnerReference()
                .endMetadata()
                .build())
        .create();
    client
        .configMaps()
        .inNamespace("default")
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName("bystander")
                .endMetadata()
                .build())
        .create();

    kubectl.ok("delete", "mxc", "owner");

    assertThat(client.configMaps().inNamespace("default").withName("owned").get()).isNull();
    assertThat(client.configMaps().inNamespace("default").withName("bystander").get()).isNotNull();
  }

  @Test
  void mergePatchReplacesListsAsRfc7386Says() throws Exception {
    kubectl.ok("apply", "--validate=false", "-f", mixnetCluster("lists", 3).toString());
    for (String ready : new String[] {"True", "False"}) {
      kubectl.ok(
          "patch",
          "mxc",
          "lists",
          "--subresource=status",
          "--type",
          "merge",
          "-p",
          "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"" + ready + "\"}]}}");
    }
    assertThat(kubectl.ok("get", "mxc", "lists", "-o", "jsonpath={.status.conditions[*].status}"))
        .isEqualTo("False");
    assertThat(kubectl.ok("get", "mxc", "lists", "-o", "jsonpath={.spec.layers}")).isEqualTo("3");
  }

  @Test
  void validatedApplyFailsWithAClearMessage() throws Exception {
    Kubectl.Result result = kubectl.run("apply", "-f", mixnetCluster("strict", 3).toString());
    assertThat(result.exit()).isNotZero();
    assertThat(result.output()).contains("--validate=false");
  }

  @Test
  void clientSeesWhatKubectlCreated() throws Exception {
    kubectl.ok("apply", "--validate=false", "-f", mixnetCluster("seen", 3).toString());
    GenericKubernetesResource seen =
        client.genericKubernetesResources(MXC).inNamespace("default").withName("seen").get();
    assertThat(seen.getAdditionalProperties()).containsKey("spec");
  }

  @Test
  void waitSeesAConditionThatBecomesTrueLater() throws Exception {
    kubectl.ok("apply", "--validate=false", "-f", mixnetCluster("later", 3).toString());
    Path output = dir.resolve("wait-later.out");
    Process wait =
        kubectl.start(output, "wait", "--for=condition=Ready", "mxc/later", "--timeout=60s");
    // kubectl is now watching; the condition appears only afterwards.
    Thread.sleep(1500);
    assertThat(wait.isAlive()).as("kubectl wait returned before Ready was set").isTrue();
    setReady("later");
    assertThat(wait.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(wait.exitValue()).as(Files.readString(output)).isZero();
    assertThat(Files.readString(output)).contains("condition met");
  }

  @Test
  void getWatchStreamsEveryChange() throws Exception {
    kubectl.ok("apply", "--validate=false", "-f", mixnetCluster("watched", 3).toString());
    Path output = dir.resolve("get-w.out");
    Process watch =
        kubectl.start(
            output, "get", "mxc", "watched", "-w", "-o", "jsonpath={.spec.layers}{\"\\n\"}");
    try {
      awaitOutput(output, "3\n");
      kubectl.ok("patch", "mxc", "watched", "--type", "merge", "-p", "{\"spec\":{\"layers\":4}}");
      awaitOutput(output, "3\n4\n");
      kubectl.ok("patch", "mxc", "watched", "--type", "merge", "-p", "{\"spec\":{\"layers\":5}}");
      awaitOutput(output, "3\n4\n5\n");
    } finally {
      watch.destroy();
    }
  }

  @Test
  void getPrintsTheCrdsColumnsInGetListAndWatch() throws Exception {
    kubectl.ok("apply", "--validate=false", "-f", mixnetCluster("columns", 3).toString());
    setStatus("columns", "Running");

    String one = kubectl.ok("get", "mxc", "columns");
    assertThat(one.lines().findFirst().orElseThrow())
        .matches("NAME\\s+READY\\s+MIXNODES\\s+ROUTERS\\s+CANARY\\s+PHASE\\s+AGE\\s*");
    assertThat(one).containsPattern("columns\\s+True\\s+6/6\\s+1/1\\s+25\\s+Running\\s+\\d+s");
    assertThat(kubectl.ok("get", "mxc", "-A"))
        .containsPattern("NAMESPACE\\s+NAME\\s+READY")
        .containsPattern("default\\s+columns\\s+True\\s+6/6");

    Path output = dir.resolve("get-w-table.out");
    Process watch = kubectl.start(output, "get", "mxc", "columns", "-w");
    try {
      awaitContent(output, "Running");
      setStatus("columns", "RolledBack");
      awaitContent(output, "RolledBack");
      assertThat(Files.readString(output).lines().findFirst().orElseThrow()).startsWith("NAME");
    } finally {
      watch.destroy();
    }
  }

  private static void setStatus(String name, String phase) {
    putStatus(
        name,
        java.util.Map.of(
            "conditions",
            java.util.List.of(java.util.Map.of("type", "Ready", "status", "True")),
            "mixnodes",
            "6/6",
            "routers",
            "1/1",
            "canaryWeight",
            25,
            "phase",
            phase));
  }

  @Test
  void serverSideApplyCreatesThenUpdates() throws Exception {
    Path file = mixnetCluster("ssa", 3);
    kubectl.ok("apply", "--server-side", "--validate=false", "-f", file.toString());
    kubectl.ok(
        "apply", "--server-side", "--validate=false", "-f", mixnetCluster("ssa", 6).toString());
    assertThat(kubectl.ok("get", "mxc", "ssa", "-o", "jsonpath={.spec.layers}")).isEqualTo("6");
  }

  private static void setReady(String name) {
    putStatus(
        name,
        java.util.Map.of(
            "conditions",
            java.util.List.of(
                java.util.Map.of("type", "Ready", "status", "True", "reason", "Test"))));
  }

  private static void putStatus(String name, java.util.Map<String, Object> status) {
    GenericKubernetesResource cluster =
        client.genericKubernetesResources(MXC).inNamespace("default").withName(name).get();
    cluster.getAdditionalProperties().put("status", status);
    client.genericKubernetesResources(MXC).inNamespace("default").resource(cluster).updateStatus();
  }

  private static void awaitOutput(Path output, String expected) throws Exception {
    assertThat(awaitFile(output, expected::equals)).isEqualTo(expected);
  }

  private static void awaitContent(Path output, String expected) throws Exception {
    assertThat(awaitFile(output, text -> text.contains(expected))).contains(expected);
  }

  /** The file's text once {@code done} accepts it, or as it is after 30 s. */
  private static String awaitFile(Path output, java.util.function.Predicate<String> done)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String text = "";
    while (System.nanoTime() < deadline) {
      text = Files.exists(output) ? Files.readString(output) : "";
      if (done.test(text)) {
        break;
      }
      Thread.sleep(100);
    }
    return text;
  }
}
