package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.router.wire.HttpMessages;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * Client → entry router → 3 layers of real mixnode processes (2 per layer) → exit router → a real
 * Vert.x backend, and back through SURBs. The client is the JDK's HttpClient with the entry router
 * as its HTTP proxy, exactly as a user's tool would be configured.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MixnetEndToEndTest {

  private TestCluster cluster;
  private HttpServer backend;
  private HttpClient client;
  private final Map<String, AtomicInteger> backendCalls = new ConcurrentHashMap<>();

  @BeforeAll
  void start() throws Exception {
    cluster = new TestCluster(3, 2, 5);
    backend = cluster.backend(this::serve);
    cluster.start("http://127.0.0.1:" + backend.actualPort());
    client =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", cluster.entry.proxyPort())))
            .connectTimeout(Duration.ofSeconds(2))
            .build();
  }

  private void serve(HttpServerRequest request) {
    String id = request.getHeader("X-Test-Id");
    if (id != null) {
      backendCalls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    }
    request
        .body()
        .onSuccess(
            body -> {
              if (request.path().equals("/slow")) {
                return; // never answers: the exit's backend timeout must fire
              }
              if (request.path().equals("/late")) {
                // past the exit's wait for a quick answer, inside its backend timeout
                cluster.vertx.setTimer(
                    800, t -> request.response().end(Buffer.buffer("late " + request.uri())));
                return;
              }
              if (request.path().equals("/echo")) {
                request
                    .response()
                    .putHeader("Content-Type", "application/octet-stream")
                    .putHeader("X-Backend-Host", String.valueOf(request.getHeader("Host")))
                    .end(body);
              } else {
                request.response().end(Buffer.buffer("hello " + request.uri()));
              }
            });
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private HttpResponse<byte[]> get(String url, String testId) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("X-Test-Id", testId)
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> post(String url, byte[] body, String testId) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("X-Test-Id", testId)
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void getReachesTheBackendThroughTheMixnetAndBack() throws Exception {
    String id = UUID.randomUUID().toString();
    HttpResponse<byte[]> response = get("http://echo.fog/hello?x=1", id);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new String(response.body())).isEqualTo("hello /hello?x=1");
    assertThat(backendCalls.get(id)).hasValue(1);
  }

  @Test
  void repeatRequestsSendOnlyTheReplyBlocksTheirResponsesNeed() throws Exception {
    assertThat(get("http://echo.fog/teach", "teach").statusCode()).isEqualTo(200);
    // The GET above taught the entry that echo.fog answers in one packet.
    double surbsBefore = surbsMade();
    double retransmissionsBefore = retransmissions();

    for (int i = 0; i < 5; i++) {
      HttpResponse<byte[]> response = get("http://echo.fog/small/" + i, "small-" + i);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(new String(response.body(), StandardCharsets.UTF_8))
          .isEqualTo("hello /small/" + i);
    }

    // One SURB per request, which carries its one-packet response back (8 more were sent before
    // the entry knew); a retransmission round may add at most three.
    double made = surbsMade() - surbsBefore;
    double extraRounds = retransmissions() - retransmissionsBefore;
    assertThat(made).isBetween(5.0, 5 + 3 * extraRounds);
  }

  @Test
  void aBackendSlowerThanTheExitsWaitStillAnswersWithoutARetransmission() throws Exception {
    assertThat(get("http://echo.fog/teach", "teach-late").statusCode()).isEqualTo(200);
    // The entry now expects one response packet and sends no SURB but the request's own.
    double retransmissionsBefore = retransmissions();

    HttpResponse<byte[]> response = get("http://echo.fog/late", UUID.randomUUID().toString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("late /late");
    // The exit spent the request's SURB on an acknowledgement; the entry replaced it at once
    // instead of waiting out the backend timeout and asking again.
    assertThat(retransmissions() - retransmissionsBefore).isZero();
  }

  private double surbsMade() {
    return Scrapes.value(cluster.entryMetrics.scrape(), MetricNames.ROUTER_SURBS.prometheus());
  }

  /** Both routers' status and send-path series, for a failure message. */
  private String diagnostics() {
    StringBuilder out = new StringBuilder();
    out.append("entry status ").append(cluster.entry.status().encode()).append('\n');
    out.append("exit status ").append(cluster.exit.status().encode()).append('\n');
    for (var registry : java.util.List.of(cluster.entryMetrics, cluster.exitMetrics)) {
      out.append(registry == cluster.entryMetrics ? "entry" : "exit").append(" metrics:\n");
      registry
          .scrape()
          .lines()
          .filter(l -> !l.startsWith("#"))
          .filter(
              l ->
                  l.contains("send_")
                      || l.contains("retrans")
                      || l.contains("refused")
                      || l.contains("surbs")
                      || l.contains("cover"))
          .forEach(l -> out.append("  ").append(l).append('\n'));
    }
    return out.toString();
  }

  private double retransmissions() {
    return Scrapes.value(
        cluster.entryMetrics.scrape(), MetricNames.ROUTER_RETRANSMISSIONS.prometheus());
  }

  @Test
  void postOf100KilobytesComesBackByteExact() throws Exception {
    byte[] body = new byte[100 * 1000];
    TestCluster.RANDOM.nextBytes(body);
    String id = UUID.randomUUID().toString();

    HttpResponse<byte[]> response = post("http://echo.fog/echo", body, id);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(body);
    assertThat(response.headers().firstValue("X-Backend-Host")).hasValue("echo.fog");
    assertThat(backendCalls.get(id)).hasValue(1);
  }

  @Test
  void answersTheBytesCurlSendsThroughAProxy() throws Exception {
    // What `curl -x http://router:8080 http://echo.fog/hello` writes, byte for byte.
    String request =
        "GET http://echo.fog/hello HTTP/1.1\r\nHost: echo.fog\r\nUser-Agent: curl/8.5.0\r\n"
            + "Accept: */*\r\nProxy-Connection: Keep-Alive\r\n\r\n";
    try (var socket = new java.net.Socket("127.0.0.1", cluster.entry.proxyPort())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      var in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
      assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
      int length = -1;
      for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      char[] body = new char[length];
      assertThat(in.read(body)).isEqualTo("hello /hello".length());
      assertThat(new String(body)).isEqualTo("hello /hello");
    }
  }

  @Test
  void unknownFogNameFailsWithAClearErrorBeforeAnyPacketIsSent() throws Exception {
    double surbsBefore = surbsMade();
    HttpResponse<byte[]> response = get("http://nosuch.fog/", "unknown");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue(HttpMessages.ERROR_HEADER))
        .hasValue("unknown .fog name nosuch.fog");
    assertThat(surbsMade()).as("no packet built for an unknown name").isEqualTo(surbsBefore);
    assertThat(backendCalls).doesNotContainKey("unknown");
  }

  @Test
  void refusesHostsOutsideFog() throws Exception {
    HttpResponse<byte[]> response = get("http://example.com/", "open-proxy");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue(HttpMessages.ERROR_HEADER))
        .hasValueSatisfying(v -> assertThat(v).contains("only .fog hosts"));
  }

  @Test
  void refusesABodyOverTheLimit() throws Exception {
    HttpResponse<byte[]> response = post("http://echo.fog/echo", new byte[300 * 1024], "too-big");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(backendCalls).doesNotContainKey("too-big");
  }

  @Test
  void aBackendThatNeverAnswersBecomesA504FromTheExit() throws Exception {
    String id = UUID.randomUUID().toString();
    double errorsBefore = requests("error");
    HttpResponse<byte[]> response = get("http://echo.fog/slow", id);

    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.headers().firstValue(HttpMessages.ERROR_HEADER))
        .hasValue("backend of echo.fog timed out");
    assertThat(backendCalls.get(id)).hasValue(1);
    // reported by the exit, counted by the entry as a failure of the mixnet path
    assertThat(requests("error") - errorsBefore).isEqualTo(1);
  }

  @Test
  void metricsCountOutcomesAndPublishLatencyBuckets() throws Exception {
    double okBefore = requests("ok");
    double rejectedBefore = requests("rejected");

    assertThat(get("http://echo.fog/counted", "counted").statusCode()).isEqualTo(200);
    assertThat(get("http://nosuch.fog/", "counted-unknown").statusCode()).isEqualTo(502);
    assertThat(get("http://example.com/", "counted-open-proxy").statusCode()).isEqualTo(403);

    assertThat(requests("ok") - okBefore).isEqualTo(1);
    assertThat(requests("rejected") - rejectedBefore).isEqualTo(2); // the client's own faults
    String scrape = cluster.entryMetrics.scrape();
    assertThat(scrape)
        .contains(MetricNames.ROUTER_REQUEST_SECONDS.buckets() + "{transport=\"mixnet\",le=\"");
    assertThat(Scrapes.value(scrape, MetricNames.ROUTER_CANARY_WEIGHT.prometheus()))
        .isEqualTo(100.0);
  }

  private double requests(String outcome) {
    return Scrapes.value(cluster.entryMetrics.scrape(), Scrapes.requests("mixnet", outcome));
  }

  @Test
  void appliesANewTopologyLiveIncludingItsSendRate() throws Exception {
    // Rate 0 is the unpaced mode: the next request leaves without a slot, and no cover is sent.
    cluster.epoch = 2;
    cluster.sendRatePerSecond = 0;
    cluster.publishTopology();
    Eventually.await(
        "the entry on epoch 2",
        Duration.ofSeconds(15),
        () -> cluster.entry.status().getLong("topologyEpoch") == 2);
    assertThat(cluster.entry.status().getLong("sendRatePerSecond")).isZero();
    double unpacedBefore = slots("unpaced");
    assertThat(get("http://echo.fog/hello", "unpaced").statusCode()).isEqualTo(200);
    assertThat(slots("unpaced") - unpacedBefore).isPositive();

    // Back to a paced rate: the idle entry's slots are cover again, half of it loops back to it.
    double coverBefore = coverReceivedByEntry();
    cluster.epoch = 3;
    cluster.sendRatePerSecond = 50;
    cluster.publishTopology();
    Eventually.await(
        "loop cover back at the entry",
        Duration.ofSeconds(15),
        () -> coverReceivedByEntry() - coverBefore >= 5);
    assertThat(cluster.entry.status().getLong("topologyEpoch")).isEqualTo(3);
    assertThat(cluster.entry.status().getInteger("inFlightRequests")).isZero();
  }

  private double slots(String kind) {
    return Scrapes.required(
        cluster.entryMetrics.scrape(),
        MetricNames.ROUTER_SEND_SLOTS.prometheus() + "{kind=\"" + kind + "\",}");
  }

  private double coverReceivedByEntry() {
    return Scrapes.value(
        cluster.entryMetrics.scrape(),
        MetricNames.ROUTER_COVER_PACKETS.prometheus() + "{direction=\"received\",}");
  }

  @Test
  @Order(Integer.MAX_VALUE) // kills a mixnode for good: the other tests run on the whole cluster
  void requestsCompleteAfterAMixnodeIsKilled() throws Exception {
    double retransmissionsBefore = retransmissions();
    cluster.kill(1, 0);

    for (int i = 0; i < 6; i++) {
      String id = UUID.randomUUID().toString();
      byte[] body = new byte[20_000 + i];
      TestCluster.RANDOM.nextBytes(body);
      HttpResponse<byte[]> response = post("http://echo.fog/echo", body, id);

      assertThat(response.statusCode())
          .as("request %d: %s\n%s", i, response.headers().map(), diagnostics())
          .isEqualTo(200);
      assertThat(response.body()).isEqualTo(body);
      // Retransmissions reach the exit more than once; the backend must see the request once.
      assertThat(backendCalls.get(id)).hasValue(1);
    }
    // Packets through the dead node were lost and recovered by retransmission.
    assertThat(retransmissions() - retransmissionsBefore).isPositive();
  }
}
