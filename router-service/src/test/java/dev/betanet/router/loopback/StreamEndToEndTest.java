package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.metrics.MetricNames;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Streams end to end: a SOCKS5 client (written from RFC 1928) → entry router → 3 layers × 2 real
 * mixnode processes → exit router → a real TCP backend, byte-exact both ways.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamEndToEndTest {

  static final int ECHO_PORT = 22;
  static final int ECHO_AT_END_PORT = 23;

  private TestCluster cluster;
  private TcpBackend echo;
  private TcpBackend echoAtEnd;

  @BeforeAll
  void start() throws Exception {
    cluster = new TestCluster(3, 2, 5);
    echo = new TcpBackend(TcpBackend.Mode.ECHO, 0);
    echoAtEnd = new TcpBackend(TcpBackend.Mode.ECHO_AT_END, 0);
    cluster.exitTcpPorts =
        Map.of(
            "echo.fog",
            Map.of(
                ECHO_PORT,
                "tcp://127.0.0.1:" + echo.port(),
                ECHO_AT_END_PORT,
                "tcp://127.0.0.1:" + echoAtEnd.port()));
    var http = cluster.backend(r -> r.response().end("hello"));
    cluster.start("http://127.0.0.1:" + http.actualPort());
  }

  @AfterAll
  void stop() throws Exception {
    cluster.close();
    echo.close();
    echoAtEnd.close();
  }

  private int socksPort() {
    return cluster.entry.socksPort();
  }

  @Test
  void bulkBothWaysOverOneSocksStreamIsByteExact() throws Exception {
    long size = Long.getLong("stream.bulk.bytes", 4L << 20);
    var connected = Socks5Client.connect(socksPort(), "echo.fog", ECHO_PORT);
    assertThat(connected.reply()).isZero();
    long started = System.nanoTime();
    Transfer result = transfer(connected.socket(), size);
    double seconds = (System.nanoTime() - started) / 1e9;
    assertThat(result.received()).isEqualTo(size);
    assertThat(result.receivedDigest()).isEqualTo(result.sentDigest());
    System.err.printf(
        "stream bulk: %d bytes each way in %.1f s = %.2f MB/s each way%n",
        size, seconds, size / seconds / 1e6);
  }

  @Test
  void halfCloseLetsTheAnswerFlowAfterTheClientsEnd() throws Exception {
    var connected = Socks5Client.connect(socksPort(), "echo.fog", ECHO_AT_END_PORT);
    assertThat(connected.reply()).isZero();
    try (Socket socket = connected.socket()) {
      byte[] message = "all of this, then my end of input".getBytes(StandardCharsets.UTF_8);
      socket.getOutputStream().write(message);
      socket.shutdownOutput(); // the backend answers only once it sees this
      assertThat(socket.getInputStream().readAllBytes()).isEqualTo(message);
    }
  }

  @Test
  void refusesADestinationThatIsNotAFogName() throws Exception {
    String before = scrape(cluster.entryMetrics);
    var connected = Socks5Client.connect(socksPort(), "example.com", 443);
    assertThat(connected.reply()).isEqualTo(0x02);
    // An IPv4 address is refused the same way.
    try (Socket socket = new Socket("127.0.0.1", socksPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      out.write(new byte[] {5, 1, 0});
      in.readFully(new byte[2]);
      out.write(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, 0, 22});
      assertThat(Socks5Client.reply(socket, in).reply()).isEqualTo(0x02);
    }
    String after = scrape(cluster.entryMetrics);
    String series = refusedSeries("socks", "not_fog");
    assertThat(Scrapes.value(after, series) - Scrapes.value(before, series)).isEqualTo(2);
  }

  @Test
  void refusesAPortTheServiceDidNotDeclare() throws Exception {
    String before = scrape(cluster.exitMetrics);
    var connected = Socks5Client.connect(socksPort(), "echo.fog", 25);
    assertThat(connected.reply()).isEqualTo(0x02);
    String series = streamsSeries("exit", "mixnet", "refused_not_declared");
    Eventually.await(
        "the exit counts the refusal",
        Duration.ofSeconds(10),
        () -> Scrapes.value(scrape(cluster.exitMetrics), series) - value(before, series) == 1);
  }

  @Test
  void connectOnTheProxyPortOpensAStream() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", cluster.entry.proxyPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("CONNECT echo.fog:"
                  + ECHO_PORT
                  + " HTTP/1.1\r\nHost: echo.fog:"
                  + ECHO_PORT
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      String head = readHead(socket.getInputStream());
      assertThat(head).startsWith("HTTP/1.1 200");
      out.write("ping through CONNECT".getBytes(StandardCharsets.US_ASCII));
      byte[] back = new byte["ping through CONNECT".length()];
      new DataInputStream(socket.getInputStream()).readFully(back);
      assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo("ping through CONNECT");
    }
    try (Socket socket = new Socket("127.0.0.1", cluster.entry.proxyPort())) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 403");
    }
  }

  /** Bytes sent and received over one socket, concurrently, with their digests. */
  record Transfer(long received, byte[] sentDigest, byte[] receivedDigest) {}

  static Transfer transfer(Socket socket, long size) throws Exception {
    try (socket) {
      CompletableFuture<byte[]> sent =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  MessageDigest digest = MessageDigest.getInstance("SHA-256");
                  OutputStream out = socket.getOutputStream();
                  var pattern = new TcpBackend.Pattern(size);
                  byte[] chunk = new byte[32768];
                  int n;
                  while ((n = pattern.next(chunk)) > 0) {
                    out.write(chunk, 0, n);
                    digest.update(chunk, 0, n);
                  }
                  socket.shutdownOutput();
                  return digest.digest();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[65536];
      long received = 0;
      int n;
      while ((n = in.read(buffer)) >= 0) {
        digest.update(buffer, 0, n);
        received += n;
      }
      return new Transfer(received, sent.get(60, TimeUnit.SECONDS), digest.digest());
    }
  }

  static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  static String scrape(PrometheusMeterRegistry registry) {
    return registry.scrape();
  }

  private static double value(String scrape, String series) {
    return Scrapes.value(scrape, series);
  }

  static String refusedSeries(String listener, String reason) {
    return MetricNames.ROUTER_CONNECT_REFUSED.prometheus()
        + "{listener=\""
        + listener
        + "\",reason=\""
        + reason
        + "\",}";
  }

  static String streamsSeries(String role, String transport, String outcome) {
    return MetricNames.ROUTER_STREAMS.prometheus()
        + "{outcome=\""
        + outcome
        + "\",role=\""
        + role
        + "\",transport=\""
        + transport
        + "\",}";
  }
}
