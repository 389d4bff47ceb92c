package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.router.state.RouterSettings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The attacks on the proxy port a review measured (issue 20, item 4), each at a scale loopback
 * handles in seconds against bounds configured small: anonymous clients that send most of a large
 * body and stall, idle connections, and a head sent one byte at a time. Each time a normal request
 * is still answered, and the entry holds no more than its bounds. Entry and exit routers at weight
 * 0 (the fallback tunnel: no mixnodes needed).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyExhaustionTest {

  private static final int BODY_LIMIT = 256 * 1024; // TestCluster's max-body-bytes

  private TestCluster cluster;
  private HttpServer backend;
  private final List<Socket> attackers = new ArrayList<>();

  private void start(RouterSettings.Limits entryLimits) throws Exception {
    cluster = new TestCluster(3, 1, 5);
    cluster.canaryWeight = 0;
    cluster.entryLimits = entryLimits;
    backend = cluster.backend(r -> r.response().end(Buffer.buffer("hello " + r.uri())));
    cluster.startRouters("http://127.0.0.1:" + backend.actualPort());
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : attackers) {
      socket.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private String scrape() {
    return cluster.entryMetrics.scrape();
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), cluster.entry.proxyPort());
    socket.setSoTimeout(30_000);
    attackers.add(socket);
    return socket;
  }

  /** What the attacker's socket shows next: a status code, -1 when closed, 0 when still open. */
  private static int statusOrClosed(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      byte[] head = new byte[12];
      int read = in.readNBytes(head, 0, head.length);
      if (read < head.length) {
        return -1;
      }
      return Integer.parseInt(new String(head, 9, 3, StandardCharsets.ISO_8859_1));
    } catch (SocketTimeoutException e) {
      return 0;
    } catch (SocketException e) {
      return -1; // reset: the router closed with our unread body in its buffer
    }
  }

  @Test
  void stalledUploadFloodIsRefusedBeyondTheBudgetAndANormalRequestIsServed() throws Exception {
    // Room for 4 full bodies; 40 clients each send 90 % of a body at the limit, then stall.
    long budget = 4L * BODY_LIMIT;
    start(
        new RouterSettings.Limits(
            200, Duration.ofSeconds(30), Duration.ofSeconds(8), budget, 64, Duration.ofSeconds(3)));
    int clients = 40;
    byte[] part = new byte[BODY_LIMIT * 9 / 10];
    List<Thread> senders = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Socket socket = connect();
      Thread sender =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      OutputStream out = socket.getOutputStream();
                      out.write(
                          ("POST http://echo.fog/upload HTTP/1.1\r\nHost: echo.fog\r\n"
                                  + "Content-Length: "
                                  + BODY_LIMIT
                                  + "\r\n\r\n")
                              .getBytes(StandardCharsets.ISO_8859_1));
                      out.write(part);
                      out.flush(); // and never the rest
                    } catch (IOException e) {
                      // refused and reset while still writing: that is the point
                    }
                  });
      senders.add(sender);
    }
    // All but the 4 that fit are refused before their body is read, and counted.
    Eventually.await(
        "36 uploads refused for the pending-bytes budget",
        Duration.ofSeconds(30),
        () -> has(scrape(), "pending_bytes", clients - 4));
    assertThat(cluster.entry.status().getLong("proxyPendingBodyBytes")).isEqualTo(budget);
    assertThat(cluster.entry.status().getInteger("proxyAdmittedRequests")).isEqualTo(4);

    // During the attack a normal client is served.
    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      ProxyFlow.Response response = flow.get("http://echo.fog/normal");
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.text()).isEqualTo("hello /normal");
    }
    assertThat(cluster.entry.status().getInteger("proxyAdmittedRequests"))
        .as("the stalled uploads were still held while the normal request was served")
        .isGreaterThanOrEqualTo(4); // the normal one's share is released as its response ends

    // The four stalled uploads are cut when their body stops progressing: nothing is held forever.
    Eventually.await(
        "the stalled uploads cut by the body-progress timeout",
        Duration.ofSeconds(30),
        () -> has(scrape(), "body_timeout", 4));
    Eventually.await(
        "every admitted byte released",
        Duration.ofSeconds(10),
        () -> cluster.entry.status().getLong("proxyPendingBodyBytes") == 0);
    int refused = 0;
    int timedOut = 0;
    for (Socket socket : attackers) {
      int status = statusOrClosed(socket);
      assertThat(status).as("no attacker is left hanging").isNotZero();
      refused += status == 503 ? 1 : 0;
      timedOut += status == 408 ? 1 : 0;
    }
    assertThat(timedOut).isLessThanOrEqualTo(4);
    assertThat(refused).isLessThanOrEqualTo(clients - 4);
    for (Thread sender : senders) {
      sender.join(Duration.ofSeconds(10));
    }
    String scrape = scrape();
    assertThat(Scrapes.required(scrape, Scrapes.requests("fallback", "overload")))
        .isEqualTo(clients - 4);
    assertThat(Scrapes.required(scrape, Scrapes.requests("fallback", "ok"))).isEqualTo(1);
  }

  @Test
  void idleConnectionsAndASlowHeadCannotHoldTheProxyPort() throws Exception {
    start(
        new RouterSettings.Limits(
            8,
            Duration.ofSeconds(2),
            Duration.ofSeconds(10),
            64L << 20,
            64,
            Duration.ofSeconds(3)));
    // Seven idle connections and one sending its head a few bytes at a time fill the cap.
    for (int i = 0; i < 7; i++) {
      connect();
    }
    Socket slow = connect();
    slow.getOutputStream().write("GET http://echo.fog/ HTTP/1.1\r\nHo".getBytes());
    Eventually.await(
        "eight connections open at the entry",
        Duration.ofSeconds(10),
        () -> cluster.entry.status().getInteger("openFlows") == 8);

    // The ninth is closed at accept and counted.
    Socket ninth = connect();
    assertThat(statusOrClosed(ninth)).isEqualTo(-1);
    assertThat(Scrapes.proxyRefused(scrape(), "too_many_connections")).isEqualTo(1);

    // None of the eight sends a whole head in time: each is closed, and counted.
    Eventually.await(
        "the eight idle and slow connections closed",
        Duration.ofSeconds(30),
        () -> has(scrape(), "header_timeout", 8));
    for (Socket socket : attackers.subList(0, 8)) {
      assertThat(statusOrClosed(socket)).isEqualTo(-1);
    }
    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      assertThat(flow.get("http://echo.fog/after").status()).isEqualTo(200);
    }
  }

  private static boolean has(String scrape, String reason, int count) {
    try {
      return Scrapes.proxyRefused(scrape, reason) >= count;
    } catch (AssertionError missing) {
      return false;
    }
  }
}
