package dev.betanet.local;

import dev.betanet.local.runtime.PrometheusTargets;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code make run}'s Prometheus: when the {@code prometheus} binary is installed (Debian's package
 * {@code prometheus}), a real server on 127.0.0.1:9090 scraping every pod's management port every 5
 * s through the target files {@link PrometheusTargets} keeps current. Its config, storage and log
 * live under the state directory ({@code .local/prometheus/}); it stops with the rest.
 */
public final class LocalPrometheus implements AutoCloseable {

  public static final String LISTEN = "127.0.0.1:9090";

  private static final Duration READY = Duration.ofSeconds(60);

  private final Process process;
  private final Path dir;
  private final String listen;

  private LocalPrometheus(Process process, Path dir, String listen) {
    this.process = process;
    this.dir = dir;
    this.listen = listen;
  }

  /** The {@code prometheus} binary on PATH, if installed. */
  public static Optional<Path> binary() {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, "prometheus"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** The config scraping each job's target file in {@code targets}. */
  static String config(Path targets) {
    String jobs =
        PrometheusTargets.JOBS.stream()
            .map(
                job ->
                    """
                      - job_name: %s
                        metrics_path: /q/metrics
                        honor_labels: %s
                        file_sd_configs:
                          - files: ['%s']
                    """
                        .formatted(
                            job,
                            // As the operator's PodMonitor: its series name the cluster they
                            // describe (namespace, cluster), not the operator pod's own.
                            job.equals(PrometheusTargets.OPERATOR_JOB),
                            PrometheusTargets.file(targets, job)))
            .collect(Collectors.joining());
    return """
        # Written by make run (dev.betanet.local.LocalPrometheus); targets kept by the local runtime.
        global:
          scrape_interval: 5s
          evaluation_interval: 5s
        scrape_configs:
        """
        + jobs;
  }

  /**
   * Starts {@code binary} with its files under {@code dir} and waits until it is ready.
   *
   * @throws IOException if it cannot start or exits before it is ready (e.g. 9090 is taken); the
   *     message points at its log
   */
  public static LocalPrometheus start(Path binary, Path dir) throws IOException {
    return start(binary, dir, LISTEN);
  }

  /** {@link #start(Path, Path)} listening on {@code listen} (host:port) instead. */
  static LocalPrometheus start(Path binary, Path dir, String listen) throws IOException {
    Files.createDirectories(dir);
    Path targets = dir.resolve("targets");
    Files.createDirectories(targets);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, config(targets));
    Path log = dir.resolve("prometheus.log");
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--storage.tsdb.retention.time=1d",
                "--web.listen-address=" + listen)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    LocalPrometheus prometheus = new LocalPrometheus(process, dir, listen);
    try {
      prometheus.awaitReady(log);
    } catch (IOException e) {
      prometheus.close();
      throw e;
    }
    return prometheus;
  }

  /** Where the target files go. */
  public Path targets() {
    return dir.resolve("targets");
  }

  public String url() {
    return "http://" + listen;
  }

  boolean running() {
    return process.isAlive();
  }

  private void awaitReady(Path log) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create(url() + "/-/ready"))
            .timeout(Duration.ofSeconds(2))
            .build();
    Instant deadline = Instant.now().plus(READY);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException(
            "prometheus exited at start (code " + process.exitValue() + "); see " + log);
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while prometheus started", e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while prometheus started", e);
      }
    }
    throw new IOException("prometheus not ready after " + READY.toSeconds() + " s; see " + log);
  }

  /** Stops Prometheus (SIGTERM, so it closes its storage cleanly; killed after 20 s). */
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
  }
}
