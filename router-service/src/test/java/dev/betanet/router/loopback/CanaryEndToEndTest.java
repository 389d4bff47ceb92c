package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.wire.HttpMessages;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The canary split and the fallback policy on a whole system: real mixnode processes (one per
 * layer), an entry and an exit router, and flows that are real client connections to the proxy. The
 * entry's split draws from a seeded source so the share check is deterministic, but every flow goes
 * through the real proxy, split, dispatcher and both transports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CanaryEndToEndTest {

  private TestCluster cluster;
  private HttpServer backend;
  private final Map<String, AtomicInteger> backendCalls = new ConcurrentHashMap<>();

  @BeforeAll
  void start() throws Exception {
    cluster = new TestCluster(3, 1, 1);
    cluster.canaryWeight = 30;
    cluster.entrySplitRandom = new Random(20_240_601L);
    backend = cluster.backend(this::serve);
    cluster.start("http://127.0.0.1:" + backend.actualPort());
  }

  private void serve(HttpServerRequest request) {
    String id = request.getHeader("X-Test-Id");
    if (id != null) {
      backendCalls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    }
    request.body().onSuccess(b -> request.response().end(Buffer.buffer("hello " + request.uri())));
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private String scrape() {
    return cluster.entryMetrics.scrape();
  }

  /** Publishes the cluster's fields as a new topology epoch and waits until the entry has it. */
  private long publish() throws Exception {
    cluster.epoch++;
    long written = System.nanoTime();
    cluster.publishTopology();
    long deadline = written + TimeUnit.SECONDS.toNanos(10);
    while (cluster.entry.status().getLong("topologyEpoch") != cluster.epoch
        || cluster.exit.status().getLong("topologyEpoch") != cluster.epoch) {
      assertThat(System.nanoTime()).as("topology applied within 10 s").isLessThan(deadline);
      Thread.sleep(20);
    }
    return System.nanoTime() - written;
  }

  @Test
  @Order(1)
  void ofAThousandFlowsAtWeight30TheMixnetShareIsWithinBounds() throws Exception {
    List<Future<String>> transports = new ArrayList<>();
    // Four at a time: the machine is small and shared, and the split, not the load, is under test.
    try (var pool = Executors.newFixedThreadPool(4)) {
      for (int i = 0; i < 1000; i++) {
        int n = i;
        transports.add(
            pool.submit(
                () -> {
                  try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
                    ProxyFlow.Response response = flow.get("http://echo.fog/flow/" + n);
                    assertThat(response.status()).as(response.toString()).isEqualTo(200);
                    assertThat(response.text())
                        .as("%s", response.headers())
                        .isEqualTo("hello /flow/" + n);
                    return response.transport();
                  }
                }));
      }
      int mixnet = 0;
      for (Future<String> transport : transports) {
        if (transport.get(120, TimeUnit.SECONDS).equals("mixnet")) {
          mixnet++;
        }
      }
      // Binomial(1000, 0.3): mean 300, sd 14.5; four sd either side.
      assertThat(mixnet).isBetween(242, 358);
      String scrape = scrape();
      assertThat(Scrapes.value(scrape, Scrapes.requests("mixnet", "ok"))).isEqualTo(mixnet);
      assertThat(Scrapes.value(scrape, Scrapes.requests("fallback", "ok")))
          .isEqualTo(1000 - mixnet);
      assertThat(
              Scrapes.value(
                  scrape, MetricNames.ROUTER_FLOWS.prometheus() + "{transport=\"mixnet\",}"))
          .isEqualTo(mixnet);
    }
  }

  @Test
  @Order(2)
  void aWeightChangeMovesNewFlowsWithinASecondAndKeepsFlowsInProgress() throws Exception {
    cluster.canaryWeight = 100;
    publish();
    try (var longMixnet = new ProxyFlow(cluster.entry.proxyPort())) {
      assertThat(longMixnet.get("http://echo.fog/long/0").transport()).isEqualTo("mixnet");

      cluster.canaryWeight = 0;
      cluster.epoch++;
      long written = System.nanoTime();
      cluster.publishTopology();
      // New flows: poll until one is drawn on the new weight (the router re-reads its files every
      // reload interval; how soon is a figure for docs, not a test threshold).
      boolean moved = false;
      while (!moved) {
        try (var probe = new ProxyFlow(cluster.entry.proxyPort())) {
          moved = probe.get("http://echo.fog/probe").transport().equals("fallback");
        }
        assertThat(System.nanoTime() - written)
            .as("new flows move to the new weight")
            .isLessThan(TimeUnit.SECONDS.toNanos(10));
      }

      for (int i = 0; i < 20; i++) {
        try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
          assertThat(flow.get("http://echo.fog/new/" + i).transport()).isEqualTo("fallback");
        }
      }
      try (var longFallback = new ProxyFlow(cluster.entry.proxyPort())) {
        assertThat(longFallback.get("http://echo.fog/lf/0").transport()).isEqualTo("fallback");
        for (int i = 1; i <= 3; i++) {
          ProxyFlow.Response response = longMixnet.get("http://echo.fog/long/" + i);
          assertThat(response.status()).isEqualTo(200);
          assertThat(response.transport())
              .as("the flow in progress keeps its transport")
              .isEqualTo("mixnet");
        }

        cluster.canaryWeight = 100;
        publish();
        try (var fresh = new ProxyFlow(cluster.entry.proxyPort())) {
          assertThat(fresh.get("http://echo.fog/fresh").transport()).isEqualTo("mixnet");
        }
        assertThat(longFallback.get("http://echo.fog/lf/1").transport()).isEqualTo("fallback");
      }
    }
  }

  @Test
  @Order(3)
  void weightZeroSendsNoRequestPacketToMixnodes() throws Exception {
    cluster.canaryWeight = 0;
    publish();
    // The routers' send queues keep sending cover to the mixnodes whatever the weight (that is
    // the point of cover); what weight 0 promises is that no packet of a request goes there.
    double entryRealBefore = realSlots(cluster.entryMetrics.scrape());
    double exitRealBefore = realSlots(cluster.exitMetrics.scrape());
    double mixnetBefore = Scrapes.sum(scrape(), Scrapes.requests("mixnet", "ok"));
    try (var longFlow = new ProxyFlow(cluster.entry.proxyPort())) {
      for (int i = 0; i < 30; i++) {
        try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
          assertThat(flow.get("http://echo.fog/zero/" + i).status()).isEqualTo(200);
        }
        assertThat(longFlow.get("http://echo.fog/zero-long/" + i).status()).isEqualTo(200);
      }
    }
    assertThat(realSlots(cluster.entryMetrics.scrape()))
        .as("request packets the entry sent into the mixnet")
        .isEqualTo(entryRealBefore);
    assertThat(realSlots(cluster.exitMetrics.scrape()))
        .as("reply packets the exit sent into the mixnet")
        .isEqualTo(exitRealBefore);
    assertThat(Scrapes.sum(scrape(), Scrapes.requests("mixnet", "ok"))).isEqualTo(mixnetBefore);
  }

  private static double realSlots(String scrape) {
    return Scrapes.required(
        scrape, MetricNames.ROUTER_SEND_SLOTS.prometheus() + "{kind=\"real\",}");
  }

  @Test
  @Order(4)
  void strictPolicyFailsCleanlyWhenALayerIsEmpty() throws Exception {
    cluster.canaryWeight = 100;
    cluster.fallbackPolicy = Topology.FallbackPolicy.STRICT;
    cluster.unhealthy.add(cluster.mixId(1, 0));
    publish();
    double downgrades = Scrapes.sum(scrape(), MetricNames.ROUTER_DOWNGRADES.prometheus());
    String id = UUID.randomUUID().toString();
    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      ProxyFlow.Response response = flow.get("http://echo.fog/strict", "X-Test-Id", id);
      assertThat(response.status()).isEqualTo(503);
      assertThat(response.header(HttpMessages.ERROR_HEADER))
          .startsWith("no path through the mixnet")
          .endsWith("fallback policy strict: not downgraded");
      assertThat(response.transport()).isEqualTo("mixnet");
    }
    assertThat(backendCalls.get(id)).isNull();
    assertThat(Scrapes.sum(scrape(), MetricNames.ROUTER_DOWNGRADES.prometheus()))
        .isEqualTo(downgrades);
    assertThat(Scrapes.value(scrape(), Scrapes.requests("mixnet", "unavailable"))).isEqualTo(1);
  }

  @Test
  @Order(5)
  void fallbackPolicyDeliversOverTheTunnelAndCountsTheDowngrade() throws Exception {
    cluster.fallbackPolicy = Topology.FallbackPolicy.FALLBACK;
    publish();
    String id = UUID.randomUUID().toString();
    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      ProxyFlow.Response response = flow.get("http://echo.fog/fallback", "X-Test-Id", id);
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.text()).isEqualTo("hello /fallback");
      assertThat(response.transport()).isEqualTo("fallback");
      // The rest of the flow stays on the tunnel: one downgrade per flow.
      assertThat(flow.get("http://echo.fog/fallback/2").transport()).isEqualTo("fallback");
    }
    assertThat(backendCalls.get(id)).hasValue(1);
    String scrape = scrape();
    assertThat(
            Scrapes.value(
                scrape, MetricNames.ROUTER_DOWNGRADES.prometheus() + "{reason=\"unavailable\",}"))
        .isEqualTo(1);
    assertThat(Scrapes.value(scrape, Scrapes.requests("mixnet", "downgraded"))).isEqualTo(1);
  }

  @Test
  @Order(6)
  void retriesExhaustedOnADeadLayerFailWithoutADowngrade() throws Exception {
    cluster.unhealthy.clear();
    publish();
    cluster.kill(1, 0); // the topology still says healthy: only retries can find out
    double downgrades = Scrapes.sum(scrape(), MetricNames.ROUTER_DOWNGRADES.prometheus());
    String id = UUID.randomUUID().toString();
    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      // Its packets left: resending it over the tunnel would name this router to the exit.
      ProxyFlow.Response response = flow.get("http://echo.fog/dead", "X-Test-Id", id);
      assertThat(response.status()).isEqualTo(504);
      assertThat(response.transport()).isEqualTo("mixnet");
      assertThat(response.header(HttpMessages.ERROR_HEADER)).contains("not downgraded");
    }
    assertThat(backendCalls.get(id)).isNull();
    assertThat(Scrapes.sum(scrape(), MetricNames.ROUTER_DOWNGRADES.prometheus()))
        .isEqualTo(downgrades);
    assertThat(
            Scrapes.value(
                scrape(),
                MetricNames.ROUTER_DOWNGRADES_WITHHELD.prometheus() + "{reason=\"timeout\",}"))
        .isEqualTo(1);
  }
}
