package dev.betanet.operator.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.betanet.operator.analysis.MetricsScraper.Result;
import dev.betanet.operator.analysis.MetricsScraper.Scraped;
import dev.betanet.operator.analysis.MetricsScraper.Unreachable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scrapes real HTTP servers on loopback. */
class MetricsScraperTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /**
   * Timeouts far beyond what the tests wait for: on a loaded machine a short one would fire first
   * and turn the reason a test checks into a timeout. Only {@link
   * #givesUpOnARouterThatNeverAnswers} tests the timeout, with a scraper of its own.
   */
  private final MetricsScraper scraper = new MetricsScraper(Duration.ofMinutes(5));

  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void readsARoutersMetricsPage() throws Exception {
    URI uri = serve(200, RouterPage.recordedText().getBytes(StandardCharsets.UTF_8));

    Result result = scraper.scrape(uri).get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(result)
        .isInstanceOfSatisfying(
            Scraped.class,
            s -> assertThat(s.counts().transport(RequestCounts.MIXNET).errors()).isEqualTo(12));
  }

  @Test
  void reportsARouterThatIsDown() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    Result result =
        scraper
            .scrape(URI.create("http://127.0.0.1:" + closedPort + "/q/metrics"))
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(result).isInstanceOf(Unreachable.class);
    assertThat(((Unreachable) result).reason()).contains("ConnectException");
  }

  @Test
  void givesUpOnARouterThatNeverAnswers() throws Exception {
    // The server holds the request until the test ends: only the scraper's own timeout ends it.
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/q/metrics",
        exchange -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    server.start();

    CompletableFuture<Result> scrape = new MetricsScraper(Duration.ofMillis(500)).scrape(uri());

    await().atMost(WAIT).until(scrape::isDone);
    assertThat(scrape.get())
        .isInstanceOfSatisfying(
            Unreachable.class, u -> assertThat(u.reason()).contains("HttpTimeoutException"));
  }

  @Test
  void reportsErrorsAndGarbageWithTheReason() throws Exception {
    URI failing = serve(503, "down".getBytes(StandardCharsets.UTF_8));
    assertThat(scraper.scrape(failing).get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isEqualTo(new Unreachable("HTTP 503"));
    stop();

    URI garbage = serve(200, "<html>not metrics</html>".getBytes(StandardCharsets.UTF_8));
    assertThat(scraper.scrape(garbage).get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            Unreachable.class, u -> assertThat(u.reason()).startsWith("metrics line 1"));
  }

  @Test
  void readsAPageOfExactlyTheLimit() throws Exception {
    byte[] page = paddedPage(MetricsScraper.MAX_BODY_BYTES);
    URI uri = serve(200, page);

    Result result = scraper.scrape(uri).get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(page).hasSize(4 * 1024 * 1024);
    assertThat(result)
        .isInstanceOfSatisfying(
            Scraped.class,
            s -> assertThat(s.counts().transport(RequestCounts.MIXNET).ok()).isEqualTo(90));
  }

  @Test
  void refusesAPageOneByteOverTheLimitSayingWhy() throws Exception {
    URI uri = serve(200, paddedPage(MetricsScraper.MAX_BODY_BYTES + 1));

    Result result = scraper.scrape(uri).get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(result)
        .isEqualTo(new Unreachable("metrics page larger than the 4194304-byte limit, refused"));
  }

  @Test
  void stopsReadingAPageThatNeverEnds() throws Exception {
    // Chunked, no length, written until the client hangs up: only a scraper that stops reading
    // (rather than buffering on) ends this, and the server sees its connection closed.
    AtomicLong sent = new AtomicLong();
    AtomicReference<IOException> hungUp = new AtomicReference<>();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/q/metrics",
        exchange -> {
          byte[] comment =
              ("# padding " + "x".repeat(1000) + "\n").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            while (release.getCount() > 0) {
              out.write(comment);
              sent.addAndGet(comment.length);
            }
          } catch (IOException e) {
            hungUp.set(e);
          }
        });
    server.start();
    Result result = scraper.scrape(uri()).get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(result)
        .isEqualTo(new Unreachable("metrics page larger than the 4194304-byte limit, refused"));
    await().atMost(WAIT).until(() -> hungUp.get() != null);
    assertThat(sent.get()).isGreaterThan(MetricsScraper.MAX_BODY_BYTES);
  }

  /** The recorded router page, padded with comment lines to exactly {@code size} bytes. */
  private static byte[] paddedPage(int size) {
    byte[] recorded = RouterPage.recordedText().getBytes(StandardCharsets.UTF_8);
    byte[] page = new byte[size];
    System.arraycopy(recorded, 0, page, 0, recorded.length);
    int at = recorded.length;
    while (at < size) {
      int line = Math.min(1000, size - at);
      Arrays.fill(page, at, at + line - 1, (byte) ' ');
      page[at] = line > 1 ? (byte) '#' : (byte) '\n';
      page[at + line - 1] = '\n';
      at += line;
    }
    return page;
  }

  private URI serve(int status, byte[] body) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/q/metrics",
        exchange -> {
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return uri();
  }

  private URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/q/metrics");
  }
}
