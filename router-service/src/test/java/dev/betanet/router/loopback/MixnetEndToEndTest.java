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
  void appliesANewTopologyLiveAndSendsLoopCoverAtItsRate() throws Exception {
    cluster.epoch = 2;
    cluster.coverMeanIntervalMillis = 20;
    cluster.publishTopology();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (coverReceivedByEntry() < 5 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }

    assertThat(cluster.entry.status().getLong("topologyEpoch")).isEqualTo(2);
    assertThat(coverReceivedByEntry()).isGreaterThanOrEqualTo(5);
    assertThat(cluster.entry.status().getInteger("inFlightRequests")).isZero();
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

      assertThat(response.statusCode()).as("request %d", i).isEqualTo(200);
      assertThat(response.body()).isEqualTo(body);
      // Retransmissions reach the exit more than once; the backend must see the request once.
      assertThat(backendCalls.get(id)).hasValue(1);
    }
    // Packets through the dead node were lost and recovered by retransmission.
    assertThat(retransmissions() - retransmissionsBefore).isPositive();
  }
}
