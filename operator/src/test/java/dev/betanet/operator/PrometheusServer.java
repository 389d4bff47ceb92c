package dev.betanet.operator;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.betanet.operator.analysis.PrometheusClient;
import dev.betanet.operator.analysis.PrometheusQueries;
import dev.betanet.protocol.metrics.PrometheusTextParser;
import dev.betanet.protocol.metrics.Scrape;
import dev.betanet.protocol.node.LoopbackPorts;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Prometheus server (Debian's {@code prometheus} binary) on a free loopback port, with its
 * own temporary config and storage, scraping the router metrics endpoints the test registers every
 * 250 ms through file-based service discovery. Targets carry the labels the PodMonitors give
 * routers ({@code job}, {@code namespace}, {@code cluster}, {@code pod}), so the operator's default
 * queries apply unchanged.
 */
final class PrometheusServer implements AutoCloseable {

  static final String INSTALL =
      "install Debian's prometheus package (`apt-get update && apt-get install -y prometheus`;"
          + " .ci/run does this)";

  private static final Duration START = Duration.ofSeconds(60);

  private final Path dir;
  private final Process process;
  private final URI address;
  private final PrometheusClient client = new PrometheusClient(Duration.ofSeconds(5));
  private final HttpClient http = HttpClient.newHttpClient();

  /** Router targets by pod: namespace, cluster, port. */
  private final Map<String, String[]> targets = new LinkedHashMap<>();

  private PrometheusServer(Path dir, Process process, URI address) {
    this.dir = dir;
    this.process = process;
    this.address = address;
  }

  /** Starts Prometheus; fails the test, saying how to install it, if the binary is missing. */
  static PrometheusServer start() throws IOException {
    Path binary = binary().orElse(null);
    if (binary == null) {
      fail(
          "the prometheus binary is not on PATH, and the prometheus-provider tests need it: "
              + INSTALL);
    }
    Path dir = Files.createTempDirectory("betanet-prometheus");
    Files.writeString(dir.resolve("routers.json"), "[]");
    Files.writeString(
        dir.resolve("prometheus.yml"),
        """
        global:
          scrape_interval: 250ms
          scrape_timeout: 200ms
        scrape_configs:
          - job_name: %s
            metrics_path: /q/metrics
            file_sd_configs:
              - files: ['%s']
                refresh_interval: 1s
        """
            .formatted(PrometheusQueries.ROUTER_JOB, dir.resolve("routers.json")));
    int port = LoopbackPorts.reserve(); // bound later by Prometheus
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    PrometheusServer server =
        new PrometheusServer(dir, process, URI.create("http://127.0.0.1:" + port));
    try {
      await()
          .atMost(START)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> !process.isAlive() || server.ready());
      if (!process.isAlive()) {
        fail("prometheus exited at start: " + Files.readString(dir.resolve("prometheus.log")));
      }
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  private static Optional<Path> binary() {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, "prometheus"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  URI address() {
    return address;
  }

  /** Scrapes (or stops scraping, {@code port} 0) router {@code pod} at a loopback port. */
  synchronized void router(String ns, String cluster, String pod, int port) throws IOException {
    if (port == 0) {
      targets.remove(pod);
    } else {
      targets.put(pod, new String[] {ns, cluster, Integer.toString(port)});
    }
    String groups =
        targets.entrySet().stream()
            .map(
                t ->
                    "{\"targets\":[\"127.0.0.1:%s\"],\"labels\":{\"namespace\":\"%s\",\"cluster\":\"%s\",\"pod\":\"%s\"}}"
                        .formatted(t.getValue()[2], t.getValue()[0], t.getValue()[1], t.getKey()))
            .collect(Collectors.joining(",", "[", "]"));
    // Written whole, then renamed: Prometheus never reads half a file.
    Path next = dir.resolve("routers.json.next");
    Files.writeString(next, groups);
    Files.move(
        next,
        dir.resolve("routers.json"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** The series {@code promql} finds now. */
  List<PrometheusClient.Sample> query(String promql) {
    PrometheusClient.Answer answer =
        client.query(address, promql, Instant.now(), Optional.empty()).join();
    if (answer instanceof PrometheusClient.Series series) {
      return series.samples();
    }
    throw new AssertionError("query " + promql + " failed: " + answer);
  }

  /**
   * Per target ({@code 127.0.0.1:<port>}), the wall-clock millisecond of the newest scrape of
   * {@code ns}'s routers (whether or not it succeeded).
   */
  Map<String, Long> lastScrapes(String ns) {
    return query("timestamp(up{namespace=\"" + ns + "\"})").stream()
        .collect(
            Collectors.toMap(
                s -> s.labels().get("instance"), s -> Math.round(s.value() * 1000), Math::max));
  }

  static String instance(int port) {
    return "127.0.0.1:" + port;
  }

  /** Instant queries this server has answered (its own counter), e.g. the operator's. */
  long queriesAnswered() throws IOException, InterruptedException {
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(address.resolve("/metrics")).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    try {
      Scrape scrape = PrometheusTextParser.parse(metrics.body());
      return Math.round(
          scrape.samples().stream()
              .filter(s -> s.name().equals("prometheus_http_requests_total"))
              .filter(s -> s.label("handler").equals(PrometheusClient.QUERY_PATH))
              .mapToDouble(Scrape.Sample::value)
              .sum());
    } catch (PrometheusTextParser.FormatException e) {
      throw new AssertionError("Prometheus's own metrics unreadable: " + e.getMessage(), e);
    }
  }

  private boolean ready() {
    try {
      return http.send(
                  HttpRequest.newBuilder(address.resolve("/-/ready"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // A leftover temp directory is harmless; the process is what must not outlive the test.
    }
  }
}
