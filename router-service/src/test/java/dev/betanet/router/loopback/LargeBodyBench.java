package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.router.state.BodyStreaming;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The large-body benchmark (docs/benchmarks.md, "large bodies"), run only when asked: {@code
 * -Dbodies.bench=buffered} sends every POST as one buffered message (threshold above the body,
 * buffered limit raised to 4 MiB), {@code -Dbodies.bench=streamed} as a stream (threshold 0).
 * {@code -Dbodies.bench.sizes} (bytes, comma-separated; 200 kB and 2 MiB by default), {@code
 * -Dbodies.bench.runs} (3) and {@code -Dbodies.bench.canary.weight} (100: mixnet; 0: tunnel). Each
 * POST is echoed by the backend and checked byte-exact; the time is from the request to the last
 * byte of the echo, printed to stderr.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "bodies.bench", matches = "buffered|streamed")
class LargeBodyBench {

  private TestCluster cluster;
  private HttpClient client;

  @BeforeAll
  void start() throws Exception {
    boolean streamed = "streamed".equals(System.getProperty("bodies.bench"));
    cluster = new TestCluster(3, 2, 5);
    cluster.canaryWeight = Integer.getInteger("bodies.bench.canary.weight", 100);
    cluster.sendRatePerSecond = 0;
    cluster.maxBodyBytes = 4 << 20;
    cluster.requestTimeout = Duration.ofMinutes(5); // a buffered 2 MiB takes longer than 20 s
    cluster.bodies =
        streamed ? new BodyStreaming(0, 64L << 20) : new BodyStreaming(Integer.MAX_VALUE, 1);
    var http =
        cluster.backend(
            r -> {
              r.response().putHeader("Content-Length", r.getHeader("content-length"));
              r.pipeTo(r.response());
            });
    cluster.start("http://127.0.0.1:" + http.actualPort());
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

  @Test
  void postsAreEchoedAndTimed() throws Exception {
    String mode = System.getProperty("bodies.bench");
    int runs = Integer.getInteger("bodies.bench.runs", 3);
    for (String size : System.getProperty("bodies.bench.sizes", "200000,2097152").split(",")) {
      byte[] body = new byte[Integer.parseInt(size.trim())];
      new Random(body.length).nextBytes(body);
      for (int run = 0; run < runs; run++) {
        long started = System.nanoTime();
        HttpResponse<byte[]> response =
            client.send(
                HttpRequest.newBuilder(URI.create("http://echo.fog/echo"))
                    .timeout(Duration.ofMinutes(5))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(body);
        System.err.printf(
            "large-body bench: %s %s %d bytes echoed in %.2f s (%.3f MB/s each way)%n",
            mode,
            response.headers().firstValue("X-Betanet-Transport").orElse("?"),
            body.length,
            seconds,
            body.length / seconds / 1e6);
      }
    }
  }
}
