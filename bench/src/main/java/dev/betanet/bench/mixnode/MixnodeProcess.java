package dev.betanet.bench.mixnode;

import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.metrics.PrometheusTextParser;
import dev.betanet.protocol.node.LoopbackPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** One real mixnode process (the Quarkus jar) started the way the operator configures it. */
final class MixnodeProcess implements AutoCloseable {

  final int packetPort;
  final int managementPort;
  final Path log;
  private final Process process;
  private final HttpClient http = HttpClient.newHttpClient();

  /**
   * @param launcher a command prefix (e.g. {@code taskset -c 1}), or empty
   */
  MixnodeProcess(
      Path jar,
      BenchNetwork network,
      int packetPort,
      String x25519,
      List<String> jvmOptions,
      List<String> launcher)
      throws IOException {
    this.packetPort = packetPort;
    this.managementPort = LoopbackPorts.reserve();
    this.log = network.dir.resolve("mixnode-" + x25519 + ".log");
    List<String> command = new ArrayList<>(launcher);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-Dquarkus.management.port=" + managementPort);
    command.add("-jar");
    command.add(jar.toString());
    var builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    var env = builder.environment();
    env.put("BETANET_NODE_ID", network.nodeId());
    env.put("BETANET_KEYS_FILE", network.keysFile.toString());
    env.put("BETANET_TOPOLOGY_FILE", network.topologyFile.toString());
    env.put("BETANET_MIXNODE_HOST", "127.0.0.1");
    env.put("BETANET_MIXNODE_PORT", Integer.toString(packetPort));
    env.put("BETANET_CRYPTO_X25519", x25519);
    process = builder.start();
  }

  long pid() {
    return process.pid();
  }

  /** Waits until /q/health/ready says UP. */
  void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready"))
            .timeout(Duration.ofSeconds(2))
            .build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the mixnode exited at start; see " + log);
      }
      try {
        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the mixnode was not ready within " + timeout + "; see " + log);
  }

  /** The Prometheus text of the node's metrics. */
  String metrics() throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/metrics"))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  /**
   * {@code betanet_mixnode_packets_total} by result, e.g. {@code forwarded -> 1234}; the node
   * registers every result at start, so an empty answer fails.
   */
  Map<String, Long> packetCounts() throws Exception {
    Map<String, Long> counts = new TreeMap<>();
    PrometheusTextParser.parse(metrics())
        .sumBy(MetricNames.MIXNODE_PACKETS.prometheus(), "result")
        .forEach((result, value) -> counts.put(result, value.longValue()));
    if (counts.isEmpty()) {
      throw new IllegalStateException(
          "no " + MetricNames.MIXNODE_PACKETS.prometheus() + " on the node's metrics page");
    }
    return counts;
  }

  /**
   * {@code betanet_mixnode_backlog_wait_seconds} as cumulative packet counts by bucket upper bound
   * in seconds (the last is infinity); a missing histogram fails.
   */
  TreeMap<Double, Double> backlogWaitBuckets() throws Exception {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    PrometheusTextParser.parse(metrics())
        .sumBy(MetricNames.MIXNODE_BACKLOG_WAIT_SECONDS.buckets(), "le")
        .forEach(
            (le, count) -> buckets.put(Double.parseDouble(le.replace("+Inf", "Infinity")), count));
    if (buckets.isEmpty()) {
      throw new IllegalStateException(
          "no "
              + MetricNames.MIXNODE_BACKLOG_WAIT_SECONDS.buckets()
              + " on the node's metrics page");
    }
    return buckets;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: the node drains and stops
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
