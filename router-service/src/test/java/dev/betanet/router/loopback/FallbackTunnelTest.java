package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.framing.FrameCodec;
import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.tunnel.TunnelInitiator;
import dev.betanet.protocol.tunnel.TunnelSession;
import dev.betanet.router.tunnel.TunnelMessages;
import dev.betanet.router.wire.HttpMessages;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The fallback tunnel between a real entry and a real exit router over loopback, with canary weight
 * 0 so every flow takes it (no mixnodes are needed or started): request/response semantics as on
 * the mixnet, one shared tunnel, reconnect after the exit restarts, and the exit's refusals of
 * strangers and bad frames, driven by a hand-rolled initiator speaking the wire format.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FallbackTunnelTest {

  private TestCluster cluster;
  private HttpServer backend;
  private String backendUrl;
  private final Map<String, AtomicInteger> backendCalls = new ConcurrentHashMap<>();

  @BeforeAll
  void start() throws Exception {
    cluster = new TestCluster(3, 1, 5);
    cluster.canaryWeight = 0;
    backend = cluster.backend(this::serve);
    backendUrl = "http://127.0.0.1:" + backend.actualPort();
    cluster.startRouters(backendUrl);
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

  private String entryScrape() {
    return cluster.entryMetrics.scrape();
  }

  @Test
  @Order(1)
  void aGetAndALargePostTravelTheTunnelByteExact() throws Exception {
    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      String id = UUID.randomUUID().toString();
      ProxyFlow.Response get = flow.get("http://echo.fog/hello?x=1", "X-Test-Id", id);
      assertThat(get.status()).isEqualTo(200);
      assertThat(get.text()).isEqualTo("hello /hello?x=1");
      assertThat(get.transport()).isEqualTo("fallback");
      assertThat(backendCalls.get(id)).hasValue(1);

      byte[] body = new byte[200_000]; // four 64 KiB tunnel chunks each way
      TestCluster.RANDOM.nextBytes(body);
      String postId = UUID.randomUUID().toString();
      ProxyFlow.Response post =
          flow.send("POST", "http://echo.fog/echo", body, "X-Test-Id", postId);
      assertThat(post.status()).isEqualTo(200);
      assertThat(post.body()).isEqualTo(body);
      assertThat(post.header("X-Backend-Host")).isEqualTo("echo.fog");
      assertThat(post.transport()).isEqualTo("fallback");
      assertThat(backendCalls.get(postId)).hasValue(1);
    }
    String scrape = entryScrape();
    assertThat(Scrapes.value(scrape, Scrapes.requests("fallback", "ok"))).isEqualTo(2);
    assertThat(Scrapes.value(scrape, Scrapes.requests("mixnet", "ok"))).isZero();
    assertThat(scrape)
        .contains(MetricNames.ROUTER_REQUEST_SECONDS.buckets() + "{transport=\"fallback\",le=\"");
    assertThat(
            Scrapes.value(
                scrape, MetricNames.ROUTER_FLOWS.prometheus() + "{transport=\"fallback\",}"))
        .isEqualTo(1);
  }

  @Test
  @Order(2)
  void concurrentFlowsShareOneTunnel() throws Exception {
    List<Future<ProxyFlow.Response>> results = new ArrayList<>();
    try (var pool = Executors.newFixedThreadPool(8)) {
      for (int i = 0; i < 40; i++) {
        int n = i;
        results.add(
            pool.submit(
                () -> {
                  try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
                    return flow.get("http://echo.fog/c/" + n);
                  }
                }));
      }
      for (int i = 0; i < results.size(); i++) {
        ProxyFlow.Response response = results.get(i).get(60, TimeUnit.SECONDS);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("hello /c/" + i);
      }
    }
    // One handshake so far, reused by every request.
    assertThat(tunnelEvents(entryScrape(), "initiator", "open")).isEqualTo(1);
    assertThat(tunnelEvents(cluster.exitMetrics.scrape(), "responder", "open")).isEqualTo(1);
    assertThat(cluster.entry.status().getInteger("tunnelsOut")).isEqualTo(1);
  }

  @Test
  @Order(3)
  void anUnknownNameIsRejectedAtOnce() throws Exception {
    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      ProxyFlow.Response response = flow.get("http://nosuch.fog/");
      assertThat(response.status()).isEqualTo(502);
      assertThat(response.header(HttpMessages.ERROR_HEADER))
          .isEqualTo("unknown .fog name nosuch.fog");
      assertThat(response.transport()).isEqualTo("fallback");
    }
    assertThat(Scrapes.value(entryScrape(), Scrapes.requests("fallback", "rejected"))).isEqualTo(1);
  }

  @Test
  @Order(4)
  void reconnectsAfterTheExitRestarts() throws Exception {
    cluster.stopExit();
    try {
      // A request written into the closing tunnel would get a 502 (it may have reached the exit);
      // this test is about opening a new one.
      Eventually.await(
          "the entry saw its tunnel close",
          Duration.ofSeconds(30),
          () -> cluster.entry.status().getInteger("tunnelsOut") == 0);
      try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
        ProxyFlow.Response down = flow.get("http://echo.fog/down");
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.header(HttpMessages.ERROR_HEADER))
            .startsWith("cannot open the fallback tunnel to router router-exit");
      }
      assertThat(Scrapes.value(entryScrape(), Scrapes.requests("fallback", "unavailable")))
          .isEqualTo(1);
    } finally {
      cluster.startExit(backendUrl); // the later tests need the exit, whatever happened here
    }

    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      ProxyFlow.Response up = flow.get("http://echo.fog/up");
      assertThat(up.status()).isEqualTo(200);
      assertThat(up.text()).isEqualTo("hello /up");
    }
    assertThat(tunnelEvents(entryScrape(), "initiator", "open")).isEqualTo(2);
  }

  @Test
  @Order(5)
  void aRouterTheTopologyDoesNotNameIsRefused() throws Exception {
    byte[] stranger = Ed25519Keys.generatePrivate(TestCluster.RANDOM);
    try (var raw = new RawTunnel(cluster.exitTunnelPort)) {
      var initiator =
          new TunnelInitiator(stranger, cluster.exitKeys.identityPublic(), TestCluster.RANDOM);
      raw.write(initiator.hello());
      assertThat(raw.read()).as("the exit closes without a reply").isEmpty();
    }
    assertThat(tunnelEvents(cluster.exitMetrics.scrape(), "responder", "unknown_peer"))
        .isEqualTo(1);
  }

  @Test
  @Order(6)
  void aKnownRouterSpeakingTheWireFormatIsServedAndABadFrameClosesTheTunnel() throws Exception {
    try (var raw = new RawTunnel(cluster.exitTunnelPort)) {
      TunnelSession session = raw.handshake(cluster.entryKeys.identityPrivate(), cluster);
      byte[] request =
          HttpMessages.encode(
              new HttpMessages.Request("GET", "echo.fog", "/raw", List.of(), new byte[0]));
      for (byte[] frame : TunnelMessages.split(true, 7, request)) {
        raw.write(session.seal(frame));
      }
      var assembly = new TunnelMessages.Assembly(false, 1 << 20, 4);
      Optional<TunnelMessages.Message> message = Optional.empty();
      while (message.isEmpty()) {
        message = assembly.accept(session.open(raw.read().orElseThrow()));
      }
      assertThat(message.get().id()).isEqualTo(7);
      HttpMessages.Response response = HttpMessages.decodeResponse(message.get().bytes());
      assertThat(response.status()).isEqualTo(200);
      assertThat(new String(response.body())).isEqualTo("hello /raw");

      byte[] tampered = session.seal(TunnelMessages.split(true, 8, request).getFirst());
      tampered[tampered.length - 1] ^= 1;
      raw.write(tampered);
      assertThat(raw.read()).as("closed after a frame that fails authentication").isEmpty();
    }
    assertThat(tunnelEvents(cluster.exitMetrics.scrape(), "responder", "bad_frame")).isEqualTo(1);
  }

  @Test
  @Order(7)
  void aFrameOverTheLimitIsRefusedBeforeItsBodyIsRead() throws Exception {
    try (var raw = new RawTunnel(cluster.exitTunnelPort)) {
      raw.out.writeInt(TunnelMessages.MAX_FRAME_BYTES + 1);
      raw.out.flush();
      assertThat(raw.read()).isEmpty();
    }
    assertThat(tunnelEvents(cluster.exitMetrics.scrape(), "responder", "frame_too_long"))
        .isEqualTo(1);
  }

  /**
   * Issue 22, item 8: the tunnel responder used to sign its reply for anyone whose hello named a
   * router of the topology, before that peer proved it held the router's key: an Ed25519 signature
   * by the exit on demand, over bytes the stranger chose (its ephemeral key), for any listed name.
   * Now the exit answers such a hello with its public identity and a fresh ephemeral key only, and
   * signs only after the peer's proof verifies; a proof made without the named router's key closes
   * the connection with nothing signed.
   */
  @Test
  @Order(8)
  void aStrangerNamingAListedRouterWithoutItsKeyGetsNoSignature() throws Exception {
    double refusedBefore = tunnelEvents(cluster.exitMetrics.scrape(), "responder", "bad_signature");
    byte[] ownKey = Ed25519Keys.generatePrivate(TestCluster.RANDOM);
    // A well-formed hello from a key the stranger holds, then the entry router's public identity
    // written over its own: the name of a listed router, without that router's key.
    byte[] hello =
        new TunnelInitiator(ownKey, cluster.exitKeys.identityPublic(), TestCluster.RANDOM).hello();
    byte[] listed = cluster.entryKeys.identityPublic().bytes();
    System.arraycopy(listed, 0, hello, 2, listed.length);
    try (var raw = new RawTunnel(cluster.exitTunnelPort)) {
      raw.write(hello);
      byte[] answer = raw.read().orElseThrow();
      assertThat(answer)
          .as("version, type, the exit's public identity and a fresh ephemeral key: no signature")
          .hasSize(2 + 32 + 32);
      assertThat(Arrays.copyOfRange(answer, 2, 34))
          .isEqualTo(cluster.exitKeys.identityPublic().bytes());

      byte[] forgedProof = new byte[2 + 64];
      forgedProof[0] = hello[0];
      forgedProof[1] = 3;
      System.arraycopy(
          Ed25519Keys.sign(ownKey, answer), 0, forgedProof, 2, 64); // not the named router's key
      raw.write(forgedProof);
      assertThat(raw.read()).as("closed, and nothing signed for the stranger").isEmpty();
    }
    Eventually.await(
        "the forged proof counted",
        Duration.ofSeconds(10),
        () ->
            tunnelEvents(cluster.exitMetrics.scrape(), "responder", "bad_signature")
                == refusedBefore + 1);
  }

  private static double tunnelEvents(String scrape, String role, String event) {
    return Scrapes.value(
        scrape,
        MetricNames.ROUTER_TUNNEL_CONNECTIONS.prometheus()
            + "{event=\""
            + event
            + "\",role=\""
            + role
            + "\",}");
  }

  /** A blocking tunnel client over a plain socket: the wire format, independent of the router. */
  static final class RawTunnel implements AutoCloseable {
    final Socket socket;
    final DataOutputStream out;
    final DataInputStream in;

    RawTunnel(int port) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(30_000);
      out = new DataOutputStream(socket.getOutputStream());
      in = new DataInputStream(socket.getInputStream());
    }

    TunnelSession handshake(byte[] identityPrivate, TestCluster cluster) throws Exception {
      var initiator =
          new TunnelInitiator(
              identityPrivate, cluster.exitKeys.identityPublic(), TestCluster.RANDOM);
      write(initiator.hello());
      write(initiator.onChallenge(read().orElseThrow()));
      return initiator.onAccept(read().orElseThrow());
    }

    void write(byte[] body) throws IOException {
      out.write(new FrameCodec(TunnelMessages.MAX_FRAME_BYTES).encode(body));
      out.flush();
    }

    /** The next frame body, or empty when the peer closed the connection. */
    Optional<byte[]> read() throws IOException {
      try {
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return Optional.of(body);
      } catch (EOFException | java.net.SocketException e) {
        return Optional.empty();
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
