package dev.betanet.operator.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.betanet.operator.analysis.MetricsScraper.Result;
import dev.betanet.operator.analysis.MetricsScraper.Scraped;
import dev.betanet.operator.analysis.MetricsScraper.Unreachable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scrapes real HTTP servers on loopback. */
class MetricsScraperTest {

  private final MetricsScraper scraper = new MetricsScraper(Duration.ofMillis(500));
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void readsARoutersMetricsPage() throws Exception {
    URI uri = serve(200, PrometheusTextTest.ROUTER_PAGE, 0);

    Result result = scraper.scrape(uri).get(5, TimeUnit.SECONDS);

    assertThat(result).isInstanceOf(Scraped.class);
    assertThat(((Scraped) result).metrics().transport("mixnet").errors()).isEqualTo(10);
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
            .get(5, TimeUnit.SECONDS);

    assertThat(result).isInstanceOf(Unreachable.class);
    assertThat(((Unreachable) result).reason()).contains("ConnectException");
  }

  @Test
  void givesUpOnARouterThatNeverAnswers() throws Exception {
    URI uri = serve(200, "late 1", 10_000);

    long start = System.nanoTime();
    Result result = scraper.scrape(uri).get(5, TimeUnit.SECONDS);

    assertThat(result).isInstanceOf(Unreachable.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void reportsErrorsAndGarbageWithTheReason() throws Exception {
    URI failing = serve(503, "down", 0);
    assertThat(scraper.scrape(failing).get(5, TimeUnit.SECONDS))
        .isEqualTo(new Unreachable("HTTP 503"));
    stop();

    URI garbage = serve(200, "<html>not metrics</html>", 0);
    assertThat(scraper.scrape(garbage).get(5, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            Unreachable.class, u -> assertThat(u.reason()).startsWith("metrics line 1"));
  }

  private URI serve(int status, String body, long delayMillis) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/q/metrics",
        exchange -> {
          try {
            Thread.sleep(delayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/q/metrics");
  }
}
