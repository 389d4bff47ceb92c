package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.router.proxy.ProxyServer;
import dev.betanet.router.state.BodyStreaming;
import dev.betanet.router.wire.HttpMessages;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Large HTTP bodies through the proxy, carried as streams (docs/router.md, "Large bodies"): the
 * same cases over the mixnet ({@link LargeBodyEndToEndTest}) and over the fallback tunnel ({@link
 * LargeBodyFallbackTest}), with the JDK's HttpClient using the entry as its proxy and a real Vert.x
 * backend that counts its calls.
 */
abstract class LargeBodyCases {

  /** Bodies over 64 KiB (or of unknown length) stream; 6 MiB at most. */
  static final BodyStreaming BODIES = new BodyStreaming(64 * 1024, 6L << 20);

  TestCluster cluster;
  HttpClient client;
  final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  final Map<String, String> lastTransferEncoding = new ConcurrentHashMap<>();

  /** The transport every request of this class's cluster takes. */
  abstract String transport();

  /** Starts the backend and the routers (and mixnodes, for the mixnet) around it. */
  void start(TestCluster started) throws Exception {
    cluster = started;
    cluster.bodies = BODIES;
    var http = cluster.backend(this::serve);
    boolean mixnet = "mixnet".equals(transport());
    if (mixnet) {
      cluster.sendRatePerSecond = 0; // these tests are about bodies, not the send rate
      cluster.start("http://127.0.0.1:" + http.actualPort());
    } else {
      cluster.canaryWeight = 0;
      cluster.startRouters("http://127.0.0.1:" + http.actualPort());
    }
    client =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", cluster.entry.proxyPort())))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  @AfterAll
  void stop() throws Exception {
    cluster.close();
  }

  /**
   * The backend: {@code /echo} streams the body back, {@code /count} answers its length at the end,
   * {@code /download?bytes=N[&chunked]} sends N pattern bytes (a HEAD of it only says N), {@code
   * /status?code=S} answers S without a body once the request's body is read.
   */
  private void serve(HttpServerRequest r) {
    String path = r.path();
    calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    lastTransferEncoding.put(path, String.valueOf(r.getHeader("transfer-encoding")));
    HttpServerResponse out = r.response();
    switch (path) {
      case "/echo" -> {
        String length = r.getHeader("content-length");
        if (length != null) {
          out.putHeader("Content-Length", length);
        } else {
          out.setChunked(true);
        }
        r.pipeTo(out);
      }
      case "/count" -> {
        long[] count = {0};
        r.handler(b -> count[0] += b.length());
        r.endHandler(v -> out.end("count=" + count[0]));
      }
      case "/download" -> {
        long bytes = Long.parseLong(r.getParam("bytes"));
        if (r.method() == io.vertx.core.http.HttpMethod.HEAD) {
          out.putHeader("Content-Length", Long.toString(bytes)).end();
        } else if (r.getParam("chunked") != null) {
          out.setChunked(true);
        } else {
          out.putHeader("Content-Length", Long.toString(bytes));
        }
        r.body().onSuccess(ignored -> sendPattern(out, 0, bytes));
      }
      case "/status" -> {
        int code = Integer.parseInt(r.getParam("code"));
        r.body().onSuccess(ignored -> out.setStatusCode(code).putHeader("ETag", "\"v1\"").end());
      }
      default -> out.setStatusCode(404).end();
    }
  }

  private static void sendPattern(HttpServerResponse out, long from, long to) {
    long at = from;
    while (at < to && !out.writeQueueFull()) {
      int n = (int) Math.min(64 * 1024, to - at);
      out.write(Buffer.buffer(pattern(at, n)));
      at += n;
    }
    if (at >= to) {
      out.end();
      return;
    }
    long next = at;
    out.drainHandler(v -> sendPattern(out, next, to));
  }

  static byte[] pattern(long from, int n) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      long at = from + i;
      bytes[i] = (byte) (at * 31 + (at >>> 8));
    }
    return bytes;
  }

  int calls(String path) {
    return calls.computeIfAbsent(path, p -> new AtomicInteger()).get();
  }

  double streamsClosed() {
    return Scrapes.required(
        cluster.entryMetrics.scrape(),
        StreamEndToEndTest.streamsSeries("entry", transport(), "closed"));
  }

  /**
   * The closed count before a test's exchanges, read once no stream is open at the entry. An
   * earlier test's stream can still be finishing when its client already has its answer (the exit
   * answers 502 to a response too large before it has read the whole request body, so the entry's
   * stream closes only once the rest is acknowledged); counted after the baseline, it would be
   * taken for this test's.
   */
  double closedBaseline() {
    String open = MetricNames.ROUTER_STREAMS_OPEN.prometheus() + "{role=\"entry\",}";
    Eventually.await(
        "no stream open at the entry",
        Duration.ofSeconds(30),
        () -> Scrapes.required(cluster.entryMetrics.scrape(), open) == 0,
        this::entryStreams);
    return streamsClosed();
  }

  void awaitStreamsClosed(double before, int more) {
    Eventually.await(
        more + " streamed exchange(s) counted closed on " + transport(),
        Duration.ofSeconds(30),
        () -> streamsClosed() - before == more,
        () ->
            "closed +"
                + (streamsClosed() - before)
                + "; the entry's stream series: "
                + entryStreams());
  }

  /** The entry's stream counts and gauges, every outcome and transport, as scraped now. */
  private String entryStreams() {
    String streams = MetricNames.ROUTER_STREAMS.prometheus();
    String open = MetricNames.ROUTER_STREAMS_OPEN.prometheus();
    return cluster
        .entryMetrics
        .scrape()
        .lines()
        .filter(l -> l.startsWith(streams + "{") || l.startsWith(open + "{"))
        .collect(java.util.stream.Collectors.joining("; "));
  }

  HttpResponse<byte[]> post(String path, HttpRequest.BodyPublisher body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://echo.fog" + path))
            .timeout(Duration.ofMinutes(3))
            .POST(body)
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void aMultiMebibytePostIsEchoedByteExactOnceOverTheFlowsTransport() throws Exception {
    byte[] body = new byte[2 << 20];
    new Random(1).nextBytes(body);
    int before = calls("/echo");
    double closed = closedBaseline();

    HttpResponse<byte[]> response = post("/echo", HttpRequest.BodyPublishers.ofByteArray(body));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue(ProxyServer.TRANSPORT_HEADER)).contains(transport());
    assertThat(response.headers().firstValueAsLong("content-length")).hasValue(body.length);
    assertThat(response.body()).isEqualTo(body);
    assertThat(calls("/echo") - before).as("backend calls").isEqualTo(1);
    awaitStreamsClosed(closed, 1);
  }

  @Test
  void aChunkedPostIsStreamedChunkedToTheBackend() throws Exception {
    byte[] body = new byte[600 * 1024];
    new Random(2).nextBytes(body);
    int before = calls("/echo");
    double closed = closedBaseline();

    HttpResponse<byte[]> response =
        post(
            "/echo",
            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(body);
    assertThat(lastTransferEncoding.get("/echo")).isEqualToIgnoringCase("chunked");
    assertThat(calls("/echo") - before).isEqualTo(1);
    awaitStreamsClosed(closed, 1);
  }

  @Test
  void aLargeResponseToAStreamedRequestComesBackWhole() throws Exception {
    int size = 3 << 20;
    double closed = closedBaseline();

    HttpResponse<byte[]> response =
        post(
            "/download?bytes=" + size,
            HttpRequest.BodyPublishers.ofByteArray(new byte[100 * 1024]));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(pattern(0, size));
    awaitStreamsClosed(closed, 1);
  }

  @Test
  void aLargeResponseToASmallGetIsAskedAgainAsAStreamThenStreamedAtOnce() throws Exception {
    int size = 2 << 20;
    URI uri = URI.create("http://big.fog/download?bytes=" + size);
    int before = calls("/download");
    double closed = closedBaseline();

    HttpResponse<byte[]> first = get(uri);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo(pattern(0, size));
    // Once refused by the buffered path (its response too large), once as a stream.
    assertThat(calls("/download") - before).isEqualTo(2);
    awaitStreamsClosed(closed, 1);

    HttpResponse<byte[]> second = get(uri);

    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(pattern(0, size));
    assertThat(calls("/download") - before).as("the name is known: streamed at once").isEqualTo(3);
    awaitStreamsClosed(closed, 2);
  }

  @Test
  void answersWithoutABodyEndAtTheirHeadOnTheStreamPath() throws Exception {
    double closed = closedBaseline();
    // A large POST streams; a 204 or 304 to it has no body and must not be framed as having one.
    for (int status : new int[] {204, 304}) {
      HttpResponse<byte[]> response =
          post("/status?code=" + status, HttpRequest.BodyPublishers.ofByteArray(new byte[100_000]));

      assertThat(response.statusCode()).isEqualTo(status);
      assertThat(response.body()).isEmpty();
      assertThat(response.headers().firstValue("transfer-encoding")).isEmpty();
      assertThat(response.headers().firstValue("etag")).contains("\"v1\"");
      assertThat(response.headers().firstValue(ProxyServer.TRANSPORT_HEADER)).contains(transport());
    }
    // bare.fog streams once the entry learned that its answers do not fit the buffered path.
    URI learn = URI.create("http://bare.fog/download?bytes=" + (cluster.maxBodyBytes + 1));
    assertThat(get(learn).statusCode()).isEqualTo(200);
    // A HEAD's length is the body a GET would get, here over the streamed limit: not a body.
    long large = BODIES.maxBodyBytes() + 1;

    HttpResponse<byte[]> head =
        client.send(
            HttpRequest.newBuilder(URI.create("http://bare.fog/download?bytes=" + large))
                .timeout(Duration.ofMinutes(1))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValueAsLong("content-length")).hasValue(large);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue(ProxyServer.TRANSPORT_HEADER)).contains(transport());
    // Two POSTs, the learning GET asked again as a stream, and the HEAD.
    awaitStreamsClosed(closed, 4);
  }

  private HttpResponse<byte[]> get(URI uri) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(3)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void aSmallPostKeepsTheBufferedPath() throws Exception {
    byte[] body = "small".repeat(1000).getBytes(StandardCharsets.UTF_8);
    // An earlier test's stream may still be finishing at the exit: the baseline waits for it.
    String exitOpen =
        dev.betanet.protocol.metrics.MetricNames.ROUTER_STREAMS_OPEN.prometheus()
            + "{role=\"exit\",}";
    Eventually.await(
        "no stream open at the exit",
        Duration.ofSeconds(30),
        () -> Scrapes.required(cluster.exitMetrics.scrape(), exitOpen) == 0);
    double closed = closedBaseline();
    String opened = StreamEndToEndTest.streamsSeries("exit", transport(), "closed");
    double exitBefore = Scrapes.required(cluster.exitMetrics.scrape(), opened);

    HttpResponse<byte[]> response = post("/echo", HttpRequest.BodyPublishers.ofByteArray(body));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(body);
    assertThat(streamsClosed()).isEqualTo(closed);
    assertThat(Scrapes.required(cluster.exitMetrics.scrape(), opened)).isEqualTo(exitBefore);
  }

  @Test
  void aDeclaredBodyOverTheLimitGets413AndNeverReachesTheBackend() throws Exception {
    int before = calls("/count");
    try (var socket = new Socket("127.0.0.1", cluster.entry.proxyPort())) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              ("POST http://echo.fog/count HTTP/1.1\r\nHost: echo.fog\r\nContent-Length: "
                      + ((6L << 20) + 1)
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String head = readHead(socket.getInputStream());
      assertThat(head).startsWith("HTTP/1.1 413");
      assertThat(head).containsIgnoringCase(HttpMessages.ERROR_HEADER + ": request body over");
    }
    assertThat(calls("/count")).isEqualTo(before);
  }

  @Test
  void aChunkedBodyGrowingOverTheLimitGets413() throws Exception {
    double refusedBefore = bodyTooLarge();
    try (var socket = new Socket("127.0.0.1", cluster.entry.proxyPort())) {
      socket.setSoTimeout(120_000);
      OutputStream out = socket.getOutputStream();
      Thread writer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      out.write(
                          ("POST http://echo.fog/count HTTP/1.1\r\nHost: echo.fog\r\n"
                                  + "Transfer-Encoding: chunked\r\n\r\n")
                              .getBytes(StandardCharsets.US_ASCII));
                      byte[] chunk = new byte[64 * 1024];
                      for (int i = 0; i < 200; i++) { // 12.5 MiB, past the 6 MiB bound
                        out.write(
                            (Integer.toHexString(chunk.length) + "\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                      }
                      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                      // the proxy stopped reading past the bound and closed: expected
                    }
                  });
      String head = readHead(socket.getInputStream());
      assertThat(head).startsWith("HTTP/1.1 413");
      writer.join(Duration.ofSeconds(30));
    }
    assertThat(bodyTooLarge() - refusedBefore).isEqualTo(1);
  }

  @Test
  void aDeclaredResponseOverTheLimitIsA502() throws Exception {
    double closed = closedBaseline();

    HttpResponse<byte[]> response =
        post(
            "/download?bytes=" + ((6L << 20) + 1),
            HttpRequest.BodyPublishers.ofByteArray(new byte[100 * 1024]));

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue(HttpMessages.REASON_HEADER))
        .contains("backend_response_too_large");
    // The exit's answer: a whole response, so the stream ends cleanly, not reset.
    awaitStreamsClosed(closed, 1);
  }

  @Test
  void aChunkedResponseGrowingOverTheLimitIsCutNeverPassedOffAsWhole() {
    assertThatThrownBy(
            () ->
                post(
                    "/download?chunked&bytes=" + (7L << 20),
                    HttpRequest.BodyPublishers.ofByteArray(new byte[100 * 1024])))
        .isInstanceOf(IOException.class);
  }

  private double bodyTooLarge() {
    return Scrapes.required(
        cluster.entryMetrics.scrape(),
        dev.betanet.protocol.metrics.MetricNames.ROUTER_PROXY_REFUSED.prometheus()
            + "{reason=\"body_too_large\",}");
  }

  /** Reads a response head (up to the blank line). */
  static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    return head.toString();
  }
}
