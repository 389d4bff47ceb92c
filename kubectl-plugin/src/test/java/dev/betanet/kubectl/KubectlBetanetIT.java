package dev.betanet.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.betanet.local.api.EmbeddedApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin end to end, through the real kubectl plugin mechanism: an embedded Kubernetes API with
 * the CRD from crds/, MixnetClusters with a status, and {@code kubectl betanet ...} run as a
 * process with the project's bin/ on PATH. Every change is checked in the API afterwards.
 */
class KubectlBetanetIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path CRD = ROOT.resolve("crds/mixnetclusters.betanet.dev-v1.yml");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static EmbeddedApiServer server;
  private static KubernetesClient client;
  private static KubectlPlugin plugin;
  private static Path kubeconfig;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(KubectlPlugin.kubectlOnPath(), "kubectl is not on PATH");
    server = EmbeddedApiServer.start(0);
    client = server.newClient();
    kubeconfig = server.writeKubeconfig(dir.resolve("kubeconfig"));
    kubectl("apply", "--validate=false", "-f", CRD.toString());
    plugin = new KubectlPlugin(ROOT, kubeconfig);
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

  private static void kubectl(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue())
        .as(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isZero();
  }

  private static Resource<GenericKubernetesResource> cluster(String namespace, String name) {
    return client
        .genericKubernetesResources(MixnetClusters.MIXNET_CLUSTER)
        .inNamespace(namespace)
        .withName(name);
  }

  /** Creates a MixnetCluster walking to 100 through steps, its status at weight 25 of it. */
  private static Resource<GenericKubernetesResource> create(String namespace, String name)
      throws Exception {
    GenericKubernetesResource cluster =
        client
            .getKubernetesSerialization()
            .unmarshal(
                """
            {"apiVersion": "betanet.dev/v1alpha1", "kind": "MixnetCluster",
             "metadata": {"name": "%s", "namespace": "%s"},
             "spec": {"mixnodes": {"layers": 3, "nodesPerLayer": 2},
                      "canary": {"weight": 100, "steps": [10, 25, 50, 100], "stepInterval": "5m",
                                 "paused": false, "promote": false,
                                 "analysis": {"maxErrorRate": 0.05, "maxP95Latency": "500ms",
                                              "minSamples": 100}}}}
            """
                    .formatted(name, namespace),
                GenericKubernetesResource.class);
    client
        .genericKubernetesResources(MixnetClusters.MIXNET_CLUSTER)
        .inNamespace(namespace)
        .resource(cluster)
        .create();
    Resource<GenericKubernetesResource> resource = cluster(namespace, name);
    GenericKubernetesResource created = resource.get();
    created.setAdditionalProperty("status", JSON.readValue(status(25), Map.class));
    resource.updateStatus(created);
    return resource;
  }

  private static String status(int currentWeight) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    return """
        {"observedGeneration": 1, "phase": "Running",
         "conditions": [{"type": "Ready", "status": "True", "reason": "AllNodesReady",
                         "message": "6 of 6 mixnodes and 1 of 1 routers ready",
                         "lastTransitionTime": "%1$s"}],
         "readyMixnodes": 6, "desiredMixnodes": 6, "readyRouters": 1, "desiredRouters": 1,
         "topologyEpoch": 7, "keyEpoch": 3, "keysRotatedAt": "%1$s",
         "canary": {"desiredWeight": 100, "currentWeight": %2$d, "lastGoodWeight": 10,
                    "phase": "Progressing", "currentStep": 2, "totalSteps": 4,
                    "stepStartedAt": "%1$s", "message": "observing weight %2$d",
                    "lastAnalysis": {"time": "%1$s", "weight": %2$d, "reason": "Healthy",
                                     "message": "fine", "routersAnswered": 1, "routersTotal": 1,
                                     "mixnet": {"samples": 1240, "errors": 5, "errorRate": 0.004,
                                                "p95Seconds": 0.182},
                                     "fallback": {"samples": 3002, "errors": 0, "errorRate": 0.0,
                                                  "p95Seconds": 0.04}}}}
        """
        .formatted(now, currentWeight);
  }

  private static Object canary(Resource<GenericKubernetesResource> resource, String field) {
    Map<?, ?> spec = (Map<?, ?>) resource.get().getAdditionalProperties().get("spec");
    return ((Map<?, ?>) spec.get("canary")).get(field);
  }

  @Test
  void statusShowsTheClusterOnOneScreen() throws Exception {
    create("default", "demo");
    KubectlPlugin.Result result = plugin.run("status", "demo");
    assertThat(result.err()).isEmpty();
    assertThat(result.exit()).isZero();
    assertThat(result.out().lines())
        .startsWith(
            "MixnetCluster default/demo  (generation 1, status of generation 1)",
            "Phase:              Running",
            "Conditions:",
            "  TYPE   STATUS  REASON         AGE  MESSAGE")
        .contains(
            "Canary:             Progressing, step 2 of 4",
            "  weight:           25 % in force, 100 % desired, 10 % last good",
            "    mixnet:         error rate 0.4 % (limit 5 %), p95 182 ms (limit 500 ms),"
                + " 1,240 requests — healthy",
            "  mixnodes:         6 of 6 ready, 3 layers of 2",
            "  topology:         7")
        .noneMatch(line -> line.contains("{"));
  }

  @Test
  void honoursKubeconfigFromTheEnvironmentAndTheNamespaceOption() throws Exception {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("mixnet").endMetadata().build())
        .create();
    create("mixnet", "elsewhere");
    Map<String, String> env = Map.of("KUBECONFIG", kubeconfig.toString());

    KubectlPlugin.Result inContextNamespace = plugin.runWith(env, List.of("status", "elsewhere"));
    assertThat(inContextNamespace.exit()).isEqualTo(1);
    assertThat(inContextNamespace.err())
        .isEqualTo("error: MixnetCluster \"elsewhere\" in namespace \"default\" not found\n");

    KubectlPlugin.Result named =
        plugin.runWith(env, List.of("status", "elsewhere", "-n", "mixnet"));
    assertThat(named.exit()).isZero();
    assertThat(named.out()).startsWith("MixnetCluster mixnet/elsewhere ");
  }

  @Test
  void contextOptionPicksTheNamedContext() throws Exception {
    create("default", "contexts");
    // Current context: a port nothing listens on; context "live": the embedded API.
    Path twoContexts =
        Files.writeString(
            dir.resolve("two-contexts"),
            """
            apiVersion: v1
            kind: Config
            clusters:
            - {name: dead, cluster: {server: "http://127.0.0.1:1"}}
            - {name: live, cluster: {server: "%s"}}
            users:
            - {name: someone, user: {token: %s}}
            contexts:
            - {name: dead, context: {cluster: dead, user: someone, namespace: default}}
            - {name: live, context: {cluster: live, user: someone, namespace: default}}
            current-context: dead
            """
                .formatted(
                    server.kubectlUrl(),
                    // The embedded API refuses a token it did not issue (401): the admin's.
                    Files.readString(kubeconfig).replaceAll("(?s).*token: (\\S+).*", "$1")));
    KubectlPlugin.Result current =
        plugin.runWith(
            Map.of(), List.of("status", "contexts", "--kubeconfig", twoContexts.toString()));
    assertThat(current.exit()).isEqualTo(1);
    assertThat(current.err())
        .startsWith("error: cannot reach the Kubernetes API at http://127.0.0.1:1");

    KubectlPlugin.Result live =
        plugin.runWith(
            Map.of(),
            List.of(
                "status", "contexts", "--kubeconfig", twoContexts.toString(), "--context", "live"));
    assertThat(live.exit()).as(live.err()).isZero();
    assertThat(live.out()).startsWith("MixnetCluster default/contexts ");
  }

  @Test
  void withoutAnyKubeconfigItSaysHowToGiveOne() throws Exception {
    Path emptyHome = Files.createDirectories(dir.resolve("empty-home"));
    KubectlPlugin.Result result =
        plugin.runWith(Map.of("HOME", emptyHome.toString()), List.of("status", "demo"));
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err())
        .isEqualTo(
            "error: no kubeconfig: pass --kubeconfig FILE or set KUBECONFIG (for make run:"
                + " --kubeconfig .local/kubeconfig)\n");
  }

  @Test
  void setWeightPatchesTheSpecAndRefusesABadWeight() throws Exception {
    Resource<GenericKubernetesResource> resource = create("default", "weights");
    KubectlPlugin.Result result = plugin.run("set-weight", "weights", "50");
    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "MixnetCluster default/weights: spec.canary.weight 100 % → 50 %; a lower weight"
                + " applies at once\n");
    assertThat(canary(resource, "weight")).isEqualTo(50);
    assertThat(resource.get().getMetadata().getGeneration()).isEqualTo(2L);

    KubectlPlugin.Result bad = plugin.run("set-weight", "weights", "150");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err().lines()).hasSize(1);
    assertThat(canary(resource, "weight")).isEqualTo(50);
  }

  @Test
  void pauseAndResumeFlipSpecCanaryPaused() throws Exception {
    Resource<GenericKubernetesResource> resource = create("default", "pausing");
    assertThat(plugin.run("pause", "pausing").exit()).isZero();
    assertThat(canary(resource, "paused")).isEqualTo(true);
    assertThat(plugin.run("resume", "pausing").exit()).isZero();
    assertThat(canary(resource, "paused")).isEqualTo(false);
    assertThat(canary(resource, "weight")).isEqualTo(100);
  }

  @Test
  void promoteSetsSpecCanaryPromote() throws Exception {
    Resource<GenericKubernetesResource> resource = create("default", "promoting");
    KubectlPlugin.Result result = plugin.run("promote", "promoting");
    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out()).contains("promoted", "weight 100 % at once");
    assertThat(canary(resource, "promote")).isEqualTo(true);
    assertThat(canary(resource, "steps")).isEqualTo(List.of(10, 25, 50, 100));
  }

  @Test
  void abortLowersTheWeightToTheLastGoodOne() throws Exception {
    Resource<GenericKubernetesResource> resource = create("default", "aborting");
    KubectlPlugin.Result result = plugin.run("abort", "aborting");
    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "MixnetCluster default/aborting: aborted; spec.canary.weight 100 % → 10 %"
                + " (status.canary.lastGoodWeight), which the operator applies at once\n");
    assertThat(canary(resource, "weight")).isEqualTo(10);

    KubectlPlugin.Result again = plugin.run("abort", "aborting");
    assertThat(again.exit()).isZero();
    assertThat(again.out()).contains("nothing to abort");
    assertThat(resource.get().getMetadata().getGeneration()).isEqualTo(2L);
  }

  @Test
  void rotateKeysAsksForARotationAtTheRequestTime() throws Exception {
    Resource<GenericKubernetesResource> resource = create("default", "rotating");
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    assertThat(plugin.run("rotate-keys", "rotating").exit()).isZero();
    Map<?, ?> spec = (Map<?, ?>) resource.get().getAdditionalProperties().get("spec");
    String stamp = (String) spec.get("rotateKeysAt");
    assertThat(stamp).isNotNull();
    assertThat(Instant.parse(stamp)).isBetween(before, Instant.now());
  }

  @Test
  void aMissingClusterIsOneLineAndExitOne() throws Exception {
    KubectlPlugin.Result result = plugin.run("promote", "absent");
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: MixnetCluster \"absent\" in namespace \"default\" not found\n");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void statusWatchRedrawsAtEveryChangeAndEndsWhenTheClusterIsDeleted() throws Exception {
    Resource<GenericKubernetesResource> resource = create("default", "watched");
    Path out = dir.resolve("watch.out");
    Path err = dir.resolve("watch.err");
    Process watch = plugin.start(out, err, "status", "watched", "-w");
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> read(out).contains("25 % in force"));

      GenericKubernetesResource current = resource.get();
      current.setAdditionalProperty("status", JSON.readValue(status(50), Map.class));
      resource.updateStatus(current);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> read(out).contains("50 % in force, 100 % desired, 10 % last good"));

      resource.delete();
      assertThat(watch.waitFor(60, TimeUnit.SECONDS)).as(read(err)).isTrue();
      assertThat(watch.exitValue()).as(read(err)).isZero();
      assertThat(read(out)).endsWith("MixnetCluster default/watched was deleted\n");
      assertThat(read(out)).doesNotContain("{");
    } finally {
      watch.destroyForcibly();
    }
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
