package dev.betanet.bench.router;

import dev.betanet.bench.common.CommandLines;
import dev.betanet.bench.common.FlowLoad;
import dev.betanet.bench.common.Latencies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Load harness for the whole request path on one machine: clients → entry router process → either
 * one mixnode process per layer and the exit router process (mixnet, replies through SURBs) or the
 * direct tunnel to the exit router process (fallback) → backend. For each per-hop mean delay and
 * each canary weight it reports requests/s and p50/p95 latency of small GETs from a fixed number of
 * concurrent clients (closed loop), overall and per transport.
 *
 * <p>Each client opens a flow (a connection to the proxy port), sends {@code --flow-requests} GETs
 * on it and closes it, so the canary split draws a transport per flow as it does for real clients;
 * the router names the transport of every response in {@code X-Betanet-Transport}.
 *
 * <p>Everything shares the machine's cores, so the figures bound what one small machine does.
 *
 * <p>Usage (after {@code ./mvnw -pl mixnode-service,router-service,bench package -DskipTests}):
 * {@code java -cp bench/target/benchmarks.jar dev.betanet.bench.router.RouterBench [--delays 0,50]
 * [--weights 0,50,100] [--clients 8] [--flow-requests 10] [--seconds 20] [--warmup 5] [--layers 3]}
 */
public final class RouterBench {

  /** The command line, as picocli reads it. */
  @Command(
      name = "RouterBench",
      mixinStandardHelpOptions = true,
      description = "Requests through entry router, mixnodes and exit router processes.")
  static final class Options {
    @Option(names = "--mixnode-jar", paramLabel = "PATH", description = "quarkus-run.jar")
    Path mixnodeJar = Path.of("mixnode-service/target/quarkus-app/quarkus-run.jar");

    @Option(names = "--router-jar", paramLabel = "PATH", description = "quarkus-run.jar")
    Path routerJar = Path.of("router-service/target/quarkus-app/quarkus-run.jar");

    @Option(
        names = "--delays",
        split = ",",
        paramLabel = "MS",
        description = "Per-hop mean delays (default 0,50)")
    List<Long> delays = List.of(0L, 50L);

    @Option(
        names = "--weights",
        split = ",",
        paramLabel = "W",
        description = "Canary weights (default 0,50,100)")
    List<Integer> weights = List.of(0, 50, 100);

    @Option(names = "--clients", paramLabel = "N", description = "Default 8")
    int clients = 8;

    @Option(names = "--flow-requests", paramLabel = "N", description = "Default 10")
    int flowRequests = 10;

    @Option(names = "--seconds", paramLabel = "S", description = "Per run (default 20)")
    int seconds = 20;

    @Option(names = "--warmup", paramLabel = "S", description = "Per run (default 5)")
    int warmup = 5;

    @Option(names = "--layers", paramLabel = "N", description = "Default 3")
    int layers = 3;

    @Option(
        names = "--send-rate",
        paramLabel = "PER_SECOND",
        description =
            "The routers' send rate (topology mixing.sendRatePerSecond). Default 0: unpaced, no"
                + " router cover, what the figures before the send queue measured; the cluster"
                + " default is 100")
    long sendRate = 0;

    @Option(
        names = "--jvm",
        paramLabel = "OPTIONS",
        description = "The nodes' JVM options, one argument (default -Xmx256m ...)")
    String jvm = "-Xmx256m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED";

    void validate() {
      if (clients < 1 || flowRequests < 1 || seconds < 1 || warmup < 0 || layers < 1) {
        throw new IllegalArgumentException(
            "--clients, --flow-requests, --seconds and --layers must be positive,"
                + " --warmup not negative");
      }
      if (weights.stream().anyMatch(w -> w < 0 || w > 100)) {
        throw new IllegalArgumentException("--weights are percentages, 0..100");
      }
    }

    List<String> jvmOptions() {
      return jvm.isBlank() ? List.of() : List.of(jvm.trim().split("\\s+"));
    }

    /**
     * @throws ParameterException for an unknown option or a missing or malformed value
     */
    static Options parse(String[] args) {
      Options options = new Options();
      CommandLines.parse(options, args, Options::validate);
      return options;
    }
  }

  public static void main(String[] args) throws Exception {
    Options options = CommandLines.parseOrExit(new Options(), args, Options::validate);
    try (var cluster = new BenchCluster(options.layers, options.sendRate)) {
      cluster.start(options.mixnodeJar, options.routerJar, options.jvmOptions());
      System.out.printf(
          Locale.ROOT,
          "router bench: %d layers, %d clients, flows of %d GETs, %d s per run (+%d s warm-up),"
              + " GET of a 20-byte body%n",
          options.layers,
          options.clients,
          options.flowRequests,
          options.seconds,
          options.warmup);
      System.out.println(
          "| per-hop mean delay | weight | requests/s | p50 ms | p95 ms | mixnet share |"
              + " mixnet p50 / p95 ms | fallback p50 / p95 ms | failed |");
      System.out.println("|---|---|---|---|---|---|---|---|---|");
      for (long delay : options.delays) {
        for (int weight : options.weights) {
          cluster.configure(delay, weight);
          var load = new FlowLoad(cluster.proxyPort, "echo.fog");
          load.run(options.clients, options.flowRequests, Duration.ofSeconds(options.warmup));
          FlowLoad.Result result =
              load.run(options.clients, options.flowRequests, Duration.ofSeconds(options.seconds));
          Latencies all = result.allAnswered();
          Latencies mixnet = result.answered("mixnet");
          System.out.printf(
              Locale.ROOT,
              "| %d ms | %d | %.1f | %.1f | %.1f | %.0f %% | %s | %s | %d |%n",
              delay,
              weight,
              result.answeredPerSecond(),
              all.millis(0.50),
              all.millis(0.95),
              all.count() == 0 ? 0.0 : 100.0 * mixnet.count() / all.count(),
              mixnet.p50p95(),
              result.answered("fallback").p50p95(),
              result.failed());
        }
      }
    }
  }
}
