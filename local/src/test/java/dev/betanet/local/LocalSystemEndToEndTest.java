package dev.betanet.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.metrics.PrometheusTextParser;
import dev.betanet.protocol.metrics.Scrape;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole system as {@code make run} starts it: embedded API, the operator as a pod, the local
 * runtime running the real mixnode and router processes, the example cluster and echo backend.
 * Requests go through the forwarded proxy port, as a user's curl would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalSystemEndToEndTest {

  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
  private static final String NS = "default";

  /**
   * What the anonymity test asks of adaptive cover: the first raise (maxRate / 8 = 25/s) is enough
   * at the example's 50 ms delay (docs/benchmarks.md, "Entropy against load and cover"), so the
   * test waits for one change and not four.
   */
  private static final double ANONYMITY_TARGET_BITS = 1.5;

  private static final int ANONYMITY_MAX_RATE = 200;
  private static LocalSystem system;
  private static int proxyPort;
  private static HttpClient proxied;

  @BeforeAll
  static void start() throws Exception {
    for (String module : List.of("mixnode-service", "router-service", "operator")) {
      Path jar = REPOSITORY.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
      assertThat(jar)
          .as("the reactor packages %s before local (./mvnw install from the root)", module)
          .isRegularFile();
    }
    Path state = Path.of("target", "e2e").toAbsolutePath();
    deleteTree(state);
    system =
        LocalSystem.start(
            new LocalSystem.Options(REPOSITORY, state, 0, new InetSocketAddress("127.0.0.1", 0)));
    system.apply(REPOSITORY.resolve("k8s/examples/echo-backend.yaml"));
    system.apply(REPOSITORY.resolve("k8s/examples/mixnetcluster.yaml"));
    int port = system.exposeRouter(NS, "demo");
    proxyPort = port;
    proxied = newProxiedClient();
    assertThat(
            system.awaitReady(NS, "demo", Duration.ofMinutes(4), line -> System.out.println(line)))
        .as("MixnetCluster demo Ready; pod logs under " + state.resolve("pods"))
        .isTrue();
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  @Order(1)
  void requestsThroughTheProxyComeBackByteExact() throws Exception {
    HttpResponse<String> hello = get("/hello");
    assertThat(hello.statusCode()).isEqualTo(200);
    assertThat(hello.body()).isEqualTo("GET /hello\n");

    byte[] body = new byte[20_000];
    new Random(7).nextBytes(body);
    HttpResponse<byte[]> echoed = post("/bytes", body);
    assertThat(echoed.statusCode()).isEqualTo(200);
    assertThat(echoed.body()).isEqualTo(body);
  }

  @Test
  @Order(2)
  void aKilledMixnodeIsRestartedAndRequestsStillSucceed() throws Exception {
    String victim = "demo-mix-1-0-0";
    ProcessHandle process = system.runtime().process(NS, victim, "mixnode").orElseThrow();
    process.destroyForcibly();
    process.onExit().get();

    for (int i = 0; i < 8; i++) {
      byte[] body = ("request " + i + " while " + victim + " is down").getBytes();
      HttpResponse<byte[]> echoed = post("/crash/" + i, body);
      assertThat(echoed.statusCode()).as("request %d", i).isEqualTo(200);
      assertThat(echoed.body()).isEqualTo(body);
    }
    await(
        Duration.ofMinutes(2),
        "the runtime restarts " + victim + " and it is ready again",
        () -> {
          Pod pod = system.client().pods().inNamespace(NS).withName(victim).get();
          var status = pod.getStatus().getContainerStatuses().getFirst();
          return status.getRestartCount() >= 1 && Boolean.TRUE.equals(status.getReady());
        });
    assertThat(system.runtime().process(NS, victim, "mixnode").orElseThrow().pid())
        .isNotEqualTo(process.pid());
  }

  @Test
  @Order(3)
  void atWeight50BothTransportsCarryTraffic() throws Exception {
    patchSpec("{\"spec\":{\"canary\":{\"weight\":50,\"steps\":null}}}");
    await(Duration.ofMinutes(1), "status.canaryWeight 50", () -> canaryWeight() == 50);
    await(Duration.ofMinutes(1), "the router applies weight 50", () -> routerWeight() == 50);
    Map<String, Double> before = timedRequestsByTransport();
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sent.add(
          proxied.sendAsync(request("/split/" + i).build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (var response : sent) {
      assertThat(response.get().statusCode()).isEqualTo(200);
    }
    Map<String, Double> after = timedRequestsByTransport();
    for (String transport : List.of("mixnet", "fallback")) {
      assertThat(series(after, transport) - series(before, transport))
          .as("requests on %s", transport)
          .isPositive();
    }
  }

  @Test
  @Order(4)
  void keysRotateUnderLoadWithoutLosingARequestOrAPacket() throws Exception {
    patchSpec("{\"spec\":{\"canary\":{\"weight\":100,\"steps\":null}}}");
    await(Duration.ofMinutes(1), "the router applies weight 100", () -> routerWeight() == 100);
    long epoch = keyEpoch();
    Map<String, Double> lostBefore = mixnodeLosses();
    // The cluster is older than a minute, so the first rotation is due at once; the load goes on
    // past the 30 s overlap, so packets built with the old keys are still in flight when they are
    // retired.
    patchSpec("{\"spec\":{\"keyRotationInterval\":\"1m\",\"keyOverlap\":\"30s\"}}");
    // Connections opened earlier keep the transport they were drawn at weight 50: new flows only.
    HttpClient flows = newProxiedClient();
    List<String> failures = new ArrayList<>();
    int sent = 0;
    long rotatedAt = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline
        && (rotatedAt == 0 || System.nanoTime() - rotatedAt < Duration.ofSeconds(40).toNanos())) {
      List<CompletableFuture<HttpResponse<String>>> wave = new ArrayList<>();
      for (int k = 0; k < 10; k++) {
        wave.add(
            flows.sendAsync(
                request("/rotate/" + sent++).build(), HttpResponse.BodyHandlers.ofString()));
      }
      for (var response : wave) {
        try {
          HttpResponse<String> answer = response.get();
          if (answer.statusCode() != 200
              || !"mixnet".equals(answer.headers().firstValue("X-Betanet-Transport").orElse(""))) {
            failures.add(answer.statusCode() + " " + answer.headers().map());
          }
        } catch (java.util.concurrent.ExecutionException e) {
          failures.add(e.getCause().toString());
        }
      }
      if (rotatedAt == 0 && keyEpoch() > epoch) {
        rotatedAt = System.nanoTime();
      }
    }
    patchSpec("{\"spec\":{\"keyRotationInterval\":\"24h\",\"keyOverlap\":\"10m\"}}");

    assertThat(rotatedAt).as("the operator rotated the keys (status.keyEpoch grew)").isPositive();
    assertThat(failures).as("of %d requests over the mixnet", sent).isEmpty();
    assertThat(mixnodeLosses())
        .as("packets refused for their key or age by any mixnode")
        .isEqualTo(lostBefore);
  }

  @Test
  @Order(5)
  void failuresOnTheMixnetPathMakeTheOperatorRollBack() throws Exception {
    // From 0, a one-step walk to 50: the step is judged, so a breach rolls it back to 0.
    patchSpec("{\"spec\":{\"canary\":{\"weight\":0}}}");
    await(Duration.ofMinutes(1), "status.canaryWeight 0", () -> canaryWeight() == 0);
    patchSpec(
        "{\"spec\":{\"canary\":{\"weight\":50,\"steps\":[50],\"stepInterval\":\"10m\","
            + "\"autoRollback\":true,\"analysis\":{\"minSamples\":10,\"maxErrorRate\":0.01}}}}");
    await(
        Duration.ofMinutes(1),
        "step 50 in force and observed",
        () -> canaryWeight() == 50 && "Progressing".equals(canaryPhase()));
    await(Duration.ofMinutes(1), "the router applies weight 50", () -> routerWeight() == 50);
    // New flows, drawn at 50: connections kept from earlier tests keep their old transport.
    HttpClient flows = newProxiedClient();
    // Freeze every first-layer mixnode: the mixnet path fails, the fallback path does not.
    List<ProcessHandle> frozen = new ArrayList<>();
    for (String node : List.of("demo-mix-0-0-0", "demo-mix-0-1-0")) {
      ProcessHandle p = system.runtime().process(NS, node, "mixnode").orElseThrow();
      signal("STOP", p);
      frozen.add(p);
    }
    try {
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      int i = 0;
      while (System.nanoTime() < deadline && !"RolledBack".equals(canaryPhase())) {
        List<CompletableFuture<HttpResponse<String>>> wave = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
          wave.add(
              flows
                  .sendAsync(request("/fail/" + i++).build(), HttpResponse.BodyHandlers.ofString())
                  .exceptionally(e -> null));
        }
        CompletableFuture.allOf(wave.toArray(CompletableFuture[]::new)).join();
      }
      assertThat(canaryPhase()).isEqualTo("RolledBack");
      assertThat(canaryWeight()).isLessThan(50);
    } finally {
      for (ProcessHandle p : frozen) {
        signal("CONT", p);
      }
    }
  }

  @Test
  @Order(6)
  void withoutCoverALightlyLoadedMixnetHidesLittleAndAdaptiveCoverRaisesItToTheTarget()
      throws Exception {
    // Weight 5 and no cover: the pools hold next to nothing, and status says so. The routers'
    // send queue is cover too (an empty slot sends a cover packet, 100/s by default, which alone
    // keeps the example's layers above the target), so it is switched off here: unpaced.
    patchSpec(
        "{\"spec\":{\"canary\":{\"weight\":5,\"steps\":null,\"analysis\":{\"minEntropyBits\":"
            + ANONYMITY_TARGET_BITS
            + "}},\"coverTraffic\":{\"mode\":\"fixed\",\"rate\":0},\"routerSendRate\":0}}");
    await(Duration.ofMinutes(1), "the router applies weight 5", () -> routerWeight() == 5);
    // The mixnodes' window is 60 s: readings from before it turned over still count old cover.
    Instant noCoverSince = Instant.now().plusSeconds(60);
    await(
        Duration.ofMinutes(3),
        "a reading after the window turned over, below " + ANONYMITY_TARGET_BITS + " bits",
        () ->
            measuredAt().isAfter(noCoverSince)
                && weakestEntropyBits() < ANONYMITY_TARGET_BITS
                && "False".equals(condition("AnonymityHealthy").get("status")));
    assertThat(condition("AnonymityHealthy").get("message")).asString().contains("layer");

    // Adaptive cover: the operator publishes a rate, the nodes send it, the layers fill.
    patchSpec(
        "{\"spec\":{\"coverTraffic\":{\"mode\":\"adaptive\",\"targetEntropyBits\":"
            + ANONYMITY_TARGET_BITS
            + ",\"maxRate\":"
            + ANONYMITY_MAX_RATE
            + "}}}");
    await(
        Duration.ofMinutes(5),
        "the weakest layer at the target " + ANONYMITY_TARGET_BITS + " bits",
        () ->
            weakestEntropyBits() >= ANONYMITY_TARGET_BITS
                && "True".equals(condition("AnonymityHealthy").get("status")));
    Map<?, ?> cover = (Map<?, ?>) ((Map<?, ?>) status().get("anonymity")).get("cover");
    assertThat(cover.get("mode")).isEqualTo("adaptive");
    assertThat(((Number) cover.get("ratePerSecond")).intValue())
        .as("the cover rate adaptive cover published")
        .isPositive()
        .isLessThanOrEqualTo(ANONYMITY_MAX_RATE);
  }

  private static void signal(String name, ProcessHandle process) throws Exception {
    assertThat(
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .inheritIO()
                .start()
                .waitFor())
        .isZero();
  }

  private static void patchSpec(String mergePatch) {
    system
        .client()
        .genericKubernetesResources("betanet.dev/v1alpha1", "MixnetCluster")
        .inNamespace(NS)
        .withName("demo")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            mergePatch);
  }

  private static Instant measuredAt() {
    return Instant.parse(String.valueOf(anonymity().get("measuredAt")));
  }

  /** The weakest layer's entropy; a reading without one (a layer unknown) fails the wait. */
  private static double weakestEntropyBits() {
    if (anonymity().get("weakestEntropyBits") instanceof Number bits) {
      return bits.doubleValue();
    }
    throw new IllegalStateException("status.anonymity has no weakest layer yet");
  }

  private static Map<?, ?> anonymity() {
    if (status().get("anonymity") instanceof Map<?, ?> anonymity) {
      return anonymity;
    }
    throw new IllegalStateException("no status.anonymity yet");
  }

  private static Map<?, ?> condition(String type) {
    if (status().get("conditions") instanceof List<?> conditions) {
      for (Object c : conditions) {
        if (c instanceof Map<?, ?> condition && type.equals(condition.get("type"))) {
          return condition;
        }
      }
    }
    throw new IllegalStateException("no condition " + type + " yet");
  }

  private static long keyEpoch() {
    return status().get("keyEpoch") instanceof Number n ? n.longValue() : -1;
  }

  /** Packets any mixnode refused for an unknown key epoch or a timestamp outside its window. */
  private static Map<String, Double> mixnodeLosses() throws Exception {
    Map<String, Double> lost = new java.util.TreeMap<>();
    for (Pod pod :
        system
            .client()
            .pods()
            .inNamespace(NS)
            .withLabel("app.kubernetes.io/component", "mixnode")
            .list()
            .getItems()) {
      String ip = system.runtime().podIp(NS, pod.getMetadata().getName()).orElseThrow();
      Map<String, Double> byResult =
          PrometheusTextParser.parse(metricsText(ip))
              .sumBy(MetricNames.MIXNODE_PACKETS.prometheus(), "result");
      for (String result : List.of("unknown_key", "expired")) {
        lost.merge(result, series(byResult, result), Double::sum);
      }
    }
    return lost;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status() {
    GenericKubernetesResource cluster = system.mixnetCluster(NS, "demo");
    Object status = cluster.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static int canaryWeight() {
    return status().get("canaryWeight") instanceof Number n ? n.intValue() : -1;
  }

  private static String canaryPhase() {
    return status().get("canary") instanceof Map<?, ?> canary
        ? String.valueOf(canary.get("phase"))
        : "";
  }

  /** The weight the router itself reports (its gauge), once it has read the new topology. */
  private static int routerWeight() {
    String text;
    try {
      text = routerMetricsText();
    } catch (Exception e) {
      return -1; // not answering yet: keep polling
    }
    // An Error, not an exception: await() polls on through exceptions, and a page that does not
    // parse or lacks the gauge will not get better.
    try {
      return (int)
          PrometheusTextParser.parse(text).sum(MetricNames.ROUTER_CANARY_WEIGHT.prometheus());
    } catch (PrometheusTextParser.FormatException | NoSuchElementException e) {
      throw new AssertionError("the router's metrics page: " + e.getMessage(), e);
    }
  }

  /**
   * The router's timed requests (every request but those refused as the client's fault) by
   * transport, from its latency histogram's count: registered for both transports when the router
   * starts, so both are read against a baseline that exists.
   */
  private static Map<String, Double> timedRequestsByTransport() throws Exception {
    Scrape scrape = PrometheusTextParser.parse(routerMetricsText());
    return scrape.sumBy(MetricNames.ROUTER_REQUEST_SECONDS.count(), "transport");
  }

  /** The value of {@code key}; a missing series fails the test (it never reads as 0). */
  private static double series(Map<String, Double> values, String key) {
    assertThat(values).as("series with label value %s", key).containsKey(key);
    return values.get(key);
  }

  private static String routerMetricsText() throws Exception {
    return metricsText(system.runtime().podIp(NS, "demo-router-0-0").orElseThrow());
  }

  private static String metricsText(String ip) throws Exception {
    HttpResponse<String> metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + ip + ":9000/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    return metrics.body();
  }

  /** A client with its own connections: new flows, drawn at the weight now in force. */
  private static HttpClient newProxiedClient() {
    return HttpClient.newBuilder()
        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort)))
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://echo.fog" + path))
        .timeout(Duration.ofSeconds(60));
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return proxied.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<byte[]> post(String path, byte[] body)
      throws IOException, InterruptedException {
    return proxied.send(
        request(path)
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void await(Duration timeout, String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // not there yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
