package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.router.state.RouterSettings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 20, item 5: strangers holding idle connections to the exit's tunnel port must not take the
 * fallback path away from the routers of the topology. The exit's handshake budget is 4 here and
 * its handshake deadline long, so only the budget's policy (a new connection pushes out the oldest
 * stranger; a router's hello moves it out of the strangers' queue) can let the entry through.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TunnelHandshakeFloodTest {

  private TestCluster cluster;
  private HttpServer backend;
  private final List<Socket> strangers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    cluster = new TestCluster(3, 1, 5);
    cluster.canaryWeight = 0;
    cluster.exitLimits =
        new RouterSettings.Limits(
            1024,
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            64L << 20,
            4,
            Duration.ofMinutes(1));
    backend = cluster.backend(r -> r.response().end(Buffer.buffer("hello " + r.uri())));
    cluster.startRouters("http://127.0.0.1:" + backend.actualPort());
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : strangers) {
      socket.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void idleStrangersOnTheTunnelPortCannotCrowdOutARouter() throws Exception {
    for (int i = 0; i < 20; i++) {
      strangers.add(new Socket(InetAddress.getLoopbackAddress(), cluster.exitTunnelPort));
    }
    // Sixteen are pushed out by newer ones; four wait, up to the (long) deadline.
    Eventually.await(
        "16 idle connections pushed out of the handshake budget",
        Duration.ofSeconds(30),
        () -> evicted() >= 16);
    assertThat(evicted()).isEqualTo(16);
    assertThat(cluster.exit.status().getInteger("tunnelHandshakesIn")).isEqualTo(4);

    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      ProxyFlow.Response response = flow.get("http://echo.fog/through");
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.text()).isEqualTo("hello /through");
      assertThat(response.transport()).isEqualTo("fallback");
    }
    assertThat(
            Scrapes.required(
                cluster.exitMetrics.scrape(),
                "betanet_router_tunnel_connections_total{event=\"open\",role=\"responder\",}"))
        .isEqualTo(1);
  }

  private double evicted() {
    try {
      return Scrapes.required(
          cluster.exitMetrics.scrape(),
          "betanet_router_tunnel_connections_total{event=\"handshake_evicted\",role=\"responder\",}");
    } catch (AssertionError missing) {
      return 0;
    }
  }
}
