package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.fragment.Fragments;
import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.packet.PacketGeometry;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.wire.Envelope;
import dev.betanet.router.wire.HttpMessages;
import io.vertx.core.http.HttpServer;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An exit that restarts while a request is in flight (issue 22 item 7; docs/anonymity.md, attack 8,
 * "Acknowledged then lost"). The exit reassembles in memory, so a restarted process has lost every
 * fragment its predecessor acknowledged, and the entry never sends an acknowledged fragment again:
 * before exit incarnations, such a request timed out after its attempts.
 *
 * <p>Real sockets and processes: a real mixnode process between an entry and an exit {@link
 * dev.betanet.router.Router} in this JVM; the exit is stopped and started again on the same keys
 * and ports (a new process's state: empty reassembly, a new replay guard that refuses packets for
 * about 15 s). The send rate is low, so a multi-fragment request is still leaving the entry when
 * the exit stops; each test waits on conditions, never on the clock.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ExitRestartTest {

  /** 40 request fragments: many still queued at the entry when the exit restarts. */
  private static final int BODY_BYTES = 32 * 1024;

  /** Request data one fragment carries (its packet also carries a SURB). */
  private static final int REQUEST_DATA_BYTES =
      new Envelope(new PacketGeometry(TestCluster.PACKET_SIZE, RouterState.MAX_HOPS))
              .requestFragmentBytes()
          - Fragments.HEADER_BYTES;

  @Test
  void aRequestPartlyAcknowledgedBeforeItsExitRestartedIsSentAgainAndCompletesOnce()
      throws Exception {
    try (var cluster = slowCluster()) {
      var backendCalls = new AtomicInteger();
      HttpServer backend =
          cluster.backend(
              r -> {
                backendCalls.incrementAndGet();
                r.body().onSuccess(body -> r.response().end(body)); // the body back, byte for byte
              });
      String backendUrl = "http://127.0.0.1:" + backend.actualPort();
      cluster.start(backendUrl);
      Eventually.await("the exit ready", Duration.ofSeconds(60), cluster.exit::isReady);
      double resent = exitRestarts(cluster, "resent");
      double failed = exitRestarts(cluster, "failed");
      double departed = exitDepartures(cluster);

      byte[] body = new byte[BODY_BYTES];
      TestCluster.RANDOM.nextBytes(body);
      CompletableFuture<HttpResponse<byte[]>> response = post(cluster, "/restart", body);
      // The exit has acknowledged a few fragments (each acknowledgement is a real departure from
      // its send queue); most are still waiting in the entry's queue at 20 packets a second.
      Eventually.await(
          "the exit acknowledging fragments",
          Duration.ofSeconds(30),
          () -> exitDepartures(cluster) >= departed + 3);
      cluster.stopExit();
      cluster.startExit(backendUrl);

      HttpResponse<byte[]> answer = response.get(150, TimeUnit.SECONDS);

      assertThat(answer.statusCode())
          .as("status; %s", answer.headers().firstValue(HttpMessages.ERROR_HEADER))
          .isEqualTo(200);
      assertThat(answer.body()).isEqualTo(body);
      assertThat(backendCalls.get()).as("backend calls").isEqualTo(1);
      assertThat(exitRestarts(cluster, "resent")).isEqualTo(resent + 1);
      assertThat(exitRestarts(cluster, "failed")).isEqualTo(failed);
    }
  }

  @Test
  void aRequestWholeAtTheExitBeforeItRestartedFailsAtOnceRatherThanCallTheBackendAgain()
      throws Exception {
    try (var cluster = slowCluster()) {
      var backendCalls = new AtomicInteger();
      // Never answers: the request stays at the backend until the exit process is gone.
      HttpServer backend = cluster.backend(r -> backendCalls.incrementAndGet());
      String backendUrl = "http://127.0.0.1:" + backend.actualPort();
      cluster.start(backendUrl);
      Eventually.await("the exit ready", Duration.ofSeconds(60), cluster.exit::isReady);
      double resent = exitRestarts(cluster, "resent");
      double failed = exitRestarts(cluster, "failed");
      double unknown = exitUnknownRequests(cluster);

      // Exactly five fragments whatever the few headers the client adds take (under 400 bytes).
      byte[] body = new byte[5 * REQUEST_DATA_BYTES - 400];
      TestCluster.RANDOM.nextBytes(body);
      double departed = exitDepartures(cluster);
      CompletableFuture<HttpResponse<byte[]>> response = post(cluster, "/hang", body);
      // Whole at the exit (it calls the backend only then), the backend working, and all five
      // acknowledgements gone out (the exit calls the backend before the last one leaves its send
      // queue): restart before the exit's backend timeout (2 s) answers. Stopped earlier, the
      // entry would resend what it did not hear acknowledged and the new process would call the
      // backend again: the window docs/router.md, "Exit restarts", leaves open.
      Eventually.await(
          "the backend called and every fragment acknowledged",
          Duration.ofSeconds(30),
          () -> backendCalls.get() == 1 && exitDepartures(cluster) >= departed + 5);
      cluster.stopExit();
      cluster.startExit(backendUrl);

      HttpResponse<byte[]> answer = response.get(150, TimeUnit.SECONDS);

      assertThat(answer.statusCode())
          .as("status; %s", answer.headers().firstValue(HttpMessages.ERROR_HEADER))
          .isEqualTo(502);
      assertThat(answer.headers().firstValue(HttpMessages.REASON_HEADER))
          .hasValue("exit_restarted");
      assertThat(backendCalls.get()).as("backend calls").isEqualTo(1);
      assertThat(exitRestarts(cluster, "failed")).isEqualTo(failed + 1);
      assertThat(exitRestarts(cluster, "resent")).isEqualTo(resent);
      // The new exit process said so: it held no such request.
      assertThat(exitUnknownRequests(cluster)).isGreaterThan(unknown);
    }
  }

  /**
   * One mixnode, a slow send queue, and enough time and rounds to outlast a restarted exit's replay
   * guard (about 15 s) and its links' reconnect backoff.
   */
  private static TestCluster slowCluster() throws Exception {
    var cluster = new TestCluster(1, 1, 0);
    cluster.sendRatePerSecond = 20;
    cluster.requestTimeout = Duration.ofSeconds(90);
    cluster.maxAttempts = 60;
    return cluster;
  }

  private static CompletableFuture<HttpResponse<byte[]>> post(
      TestCluster cluster, String path, byte[] body) {
    HttpClient client =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", cluster.entry.proxyPort())))
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    return client.sendAsync(
        HttpRequest.newBuilder(URI.create("http://echo.fog" + path))
            .timeout(Duration.ofSeconds(150))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static double exitRestarts(TestCluster cluster, String action) {
    return Scrapes.required(
        cluster.entryMetrics.scrape(),
        MetricNames.ROUTER_EXIT_RESTARTS.prometheus() + "{action=\"" + action + "\",}");
  }

  /** SURBS_AFTER_ACK for a request the exit (both processes: one registry) does not hold. */
  private static double exitUnknownRequests(TestCluster cluster) {
    return Scrapes.value(
        cluster.exitMetrics.scrape(),
        MetricNames.ROUTER_PACKETS_REFUSED.prometheus() + "{reason=\"unknown_request\",}");
  }

  /** Real packets that left the exit (both processes: one registry): replies, never cover. */
  private static double exitDepartures(TestCluster cluster) {
    String scrape = cluster.exitMetrics.scrape();
    return Scrapes.required(scrape, slots("real")) + Scrapes.required(scrape, slots("unpaced"));
  }

  private static String slots(String kind) {
    return MetricNames.ROUTER_SEND_SLOTS.prometheus() + "{kind=\"" + kind + "\",}";
  }
}
