package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.connect.StreamRefusal;
import java.io.DataInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Streams over the fallback tunnel: canary weight 0, so every SOCKS5 connection and CONNECT draws
 * the tunnel; a real entry and exit router on loopback (no mixnodes: nothing may go through the
 * mixnet), a SOCKS5 client written from RFC 1928 and real TCP backends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FallbackStreamTest {

  static final int ECHO_PORT = 22;
  static final int ECHO_AT_END_PORT = 23;

  private TestCluster cluster;
  private TcpBackend echo;
  private TcpBackend echoAtEnd;
  private String backendUrl;

  @BeforeAll
  void start() throws Exception {
    cluster = new TestCluster(3, 1, 5);
    cluster.canaryWeight = 0;
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
    var http = cluster.backend(r -> r.response().end("not used"));
    backendUrl = "http://127.0.0.1:" + http.actualPort();
    cluster.startRouters(backendUrl);
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

  /**
   * The mixnet drawn for a stream cannot carry it (no usable node in a layer): nothing was sent, so
   * under the {@code fallback} policy it moves to the tunnel, counted as a downgrade.
   */
  @Test
  void aStreamTheMixnetCannotCarryMovesToTheTunnelUnderTheFallbackPolicy() throws Exception {
    String downgrades = MetricNames.ROUTER_DOWNGRADES.prometheus() + "{reason=\"unavailable\",}";
    String refused = StreamEndToEndTest.streamsSeries("entry", "mixnet", "refused_unavailable");
    String entryBefore = cluster.entryMetrics.scrape();

    withTheMixnetUnavailable(
        Topology.FallbackPolicy.FALLBACK,
        () -> {
          var connected = Socks5Client.connect(socksPort(), "echo.fog", ECHO_PORT);
          assertThat(connected.reply()).isZero();
          var result = StreamEndToEndTest.transfer(connected.socket(), 64 * 1024);
          assertThat(result.receivedDigest()).isEqualTo(result.sentDigest());
        });

    String entryAfter = cluster.entryMetrics.scrape();
    assertThat(Scrapes.required(entryAfter, downgrades) - Scrapes.required(entryBefore, downgrades))
        .isEqualTo(1);
    assertThat(Scrapes.required(entryAfter, refused) - Scrapes.value(entryBefore, refused))
        .isEqualTo(1);
  }

  /** The same under the {@code strict} policy: refused as network unreachable, not moved. */
  @Test
  void underTheStrictPolicyAStreamTheMixnetCannotCarryIsRefused() throws Exception {
    String downgrades = MetricNames.ROUTER_DOWNGRADES.prometheus() + "{reason=\"unavailable\",}";
    double before = Scrapes.required(cluster.entryMetrics.scrape(), downgrades);

    withTheMixnetUnavailable(
        Topology.FallbackPolicy.STRICT,
        () -> {
          var connected = Socks5Client.connect(socksPort(), "echo.fog", ECHO_PORT);
          assertThat(connected.reply()).isEqualTo(StreamRefusal.SOCKS_NETWORK_UNREACHABLE);
        });

    assertThat(Scrapes.required(cluster.entryMetrics.scrape(), downgrades)).isEqualTo(before);
  }

  private interface Body {
    void run() throws Exception;
  }

  /**
   * Runs {@code body} with every stream drawn for the mixnet and the middle layer's only node
   * marked unhealthy in the topology, under {@code policy}; then restores the class's cluster
   * (weight 0, strict, all healthy) whatever happened.
   */
  private void withTheMixnetUnavailable(Topology.FallbackPolicy policy, Body body)
      throws Exception {
    cluster.canaryWeight = 100;
    cluster.fallbackPolicy = policy;
    cluster.unhealthy.add(cluster.mixKeys.get(1).nodeId());
    publish();
    try {
      body.run();
    } finally {
      cluster.canaryWeight = 0;
      cluster.fallbackPolicy = Topology.FallbackPolicy.STRICT;
      cluster.unhealthy.clear();
      publish();
    }
  }

  /** A new topology epoch of the cluster's fields, applied by both routers. */
  private void publish() throws Exception {
    cluster.epoch++;
    cluster.publishTopology();
    Eventually.await(
        "both routers on epoch " + cluster.epoch,
        Duration.ofSeconds(30),
        () ->
            cluster.entry.status().getLong("topologyEpoch") == cluster.epoch
                && cluster.exit.status().getLong("topologyEpoch") == cluster.epoch);
  }

  @Test
  void bulkBothWaysOverTheTunnelIsByteExactAndCountedAsFallback() throws Exception {
    long size = 8L << 20;
    String entrySent = bytesSeries("entry", "sent", "fallback");
    String exitSent = bytesSeries("exit", "sent", "fallback");
    String mixnetSent = bytesSeries("entry", "sent", "mixnet");
    String closed = StreamEndToEndTest.streamsSeries("entry", "fallback", "closed");
    String entryBefore = cluster.entryMetrics.scrape();
    double exitSentBefore = Scrapes.required(cluster.exitMetrics.scrape(), exitSent);

    var connected = Socks5Client.connect(socksPort(), "echo.fog", ECHO_PORT);
    assertThat(connected.reply()).isZero();
    var result = StreamEndToEndTest.transfer(connected.socket(), size);

    assertThat(result.received()).isEqualTo(size);
    assertThat(result.receivedDigest()).isEqualTo(result.sentDigest());
    String entryAfter = cluster.entryMetrics.scrape();
    assertThat(Scrapes.required(entryAfter, entrySent) - Scrapes.required(entryBefore, entrySent))
        .isEqualTo(size);
    assertThat(Scrapes.required(cluster.exitMetrics.scrape(), exitSent) - exitSentBefore)
        .isEqualTo(size);
    assertThat(Scrapes.required(entryAfter, mixnetSent))
        .isEqualTo(Scrapes.required(entryBefore, mixnetSent));
    Eventually.await(
        "the entry counts the stream closed on the fallback transport",
        Duration.ofSeconds(30),
        () ->
            Scrapes.required(cluster.entryMetrics.scrape(), closed)
                    - Scrapes.required(entryBefore, closed)
                == 1);
  }

  @Test
  void manyStreamsShareTheTunnelEachByteExact() throws Exception {
    int streams = 20;
    long size = 256 * 1024;
    List<CompletableFuture<StreamEndToEndTest.Transfer>> transfers = new ArrayList<>();
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < streams; i++) {
        transfers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    var connected = Socks5Client.connect(socksPort(), "echo.fog", ECHO_PORT);
                    assertThat(connected.reply()).isZero();
                    return StreamEndToEndTest.transfer(connected.socket(), size);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                threads));
      }
      for (var transfer : transfers) {
        var t = transfer.get(120, TimeUnit.SECONDS);
        assertThat(t.received()).isEqualTo(size);
        assertThat(t.receivedDigest()).isEqualTo(t.sentDigest());
      }
    }
    assertThat(cluster.entry.status().getInteger("tunnelsOut")).isEqualTo(1);
  }

  @Test
  void halfCloseLetsTheAnswerFlowAfterTheClientsEnd() throws Exception {
    var connected = Socks5Client.connect(socksPort(), "echo.fog", ECHO_AT_END_PORT);
    assertThat(connected.reply()).isZero();
    try (Socket socket = connected.socket()) {
      byte[] message = "all of this over the tunnel, then my end".getBytes(StandardCharsets.UTF_8);
      socket.getOutputStream().write(message);
      socket.shutdownOutput(); // the backend answers only once it sees this
      assertThat(socket.getInputStream().readAllBytes()).isEqualTo(message);
    }
  }

  @Test
  void refusesAPortTheServiceDidNotDeclare() throws Exception {
    String series = StreamEndToEndTest.streamsSeries("exit", "fallback", "refused_not_declared");
    double before = Scrapes.required(cluster.exitMetrics.scrape(), series);
    int connectionsBefore = echo.connections.get() + echoAtEnd.connections.get();

    var connected = Socks5Client.connect(socksPort(), "echo.fog", 25);

    assertThat(connected.reply()).isEqualTo(0x02); // connection not allowed by ruleset
    Eventually.await(
        "the exit counts the refusal on the fallback transport",
        Duration.ofSeconds(10),
        () -> Scrapes.required(cluster.exitMetrics.scrape(), series) - before == 1);
    assertThat(echo.connections.get() + echoAtEnd.connections.get()).isEqualTo(connectionsBefore);
  }

  @Test
  void connectOnTheProxyPortTakesTheTunnelToo() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", cluster.entry.proxyPort())) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              ("CONNECT echo.fog:" + ECHO_PORT + " HTTP/1.1\r\nHost: echo.fog\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(StreamEndToEndTest.readHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
      byte[] ping = "ping over the tunnel".getBytes(StandardCharsets.US_ASCII);
      socket.getOutputStream().write(ping);
      byte[] back = new byte[ping.length];
      new DataInputStream(socket.getInputStream()).readFully(back);
      assertThat(back).isEqualTo(ping);
    }
  }

  /**
   * A stream is bound to its tunnel: when the exit goes away the client's connection ends (it is
   * not moved to another tunnel or transport) and the entry counts it {@code aborted} on the
   * fallback transport; the next stream opens a new tunnel to the restarted exit.
   */
  @Test
  @Order(Integer.MAX_VALUE) // last: it restarts the exit
  void theTunnelsEndEndsItsStreamsAndTheNextStreamOpensANewTunnel() throws Exception {
    String aborted = StreamEndToEndTest.streamsSeries("entry", "fallback", "aborted");
    double before = Scrapes.required(cluster.entryMetrics.scrape(), aborted);
    var connected = Socks5Client.connect(socksPort(), "echo.fog", ECHO_PORT);
    assertThat(connected.reply()).isZero();
    try (Socket socket = connected.socket()) {
      byte[] ping = "before the exit stops".getBytes(StandardCharsets.US_ASCII);
      socket.getOutputStream().write(ping);
      byte[] back = new byte[ping.length];
      new DataInputStream(socket.getInputStream()).readFully(back);
      assertThat(back).isEqualTo(ping);

      cluster.stopExit();

      assertThat(socket.getInputStream().read()).isEqualTo(-1); // closed by the entry
    }
    Eventually.await(
        "the entry counts the stream aborted on the fallback transport",
        Duration.ofSeconds(30),
        () -> Scrapes.required(cluster.entryMetrics.scrape(), aborted) - before == 1);

    cluster.startExit(backendUrl);
    var again = Socks5Client.connect(socksPort(), "echo.fog", ECHO_AT_END_PORT);
    assertThat(again.reply()).isZero();
    try (Socket socket = again.socket()) {
      socket.getOutputStream().write(new byte[] {1, 2, 3});
      socket.shutdownOutput();
      assertThat(socket.getInputStream().readAllBytes()).containsExactly(1, 2, 3);
    }
  }

  static String bytesSeries(String role, String direction, String transport) {
    return MetricNames.ROUTER_STREAM_BYTES.prometheus()
        + "{direction=\""
        + direction
        + "\",role=\""
        + role
        + "\",transport=\""
        + transport
        + "\",}";
  }
}
