package dev.betanet.bench.router;

import dev.betanet.bench.common.FlowLoad;
import dev.betanet.bench.common.Latencies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

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

  private record Options(
      Path mixnodeJar,
      Path routerJar,
      List<Long> delays,
      List<Integer> weights,
      int clients,
      int flowRequests,
      int seconds,
      int warmup,
      int layers,
      List<String> jvm) {

    static Options parse(String[] args) {
      Path mixnode = Path.of("mixnode-service/target/quarkus-app/quarkus-run.jar");
      Path router = Path.of("router-service/target/quarkus-app/quarkus-run.jar");
      List<Long> delays = List.of(0L, 50L);
      List<Integer> weights = List.of(0, 50, 100);
      int clients = 8;
      int flowRequests = 10;
      int seconds = 20;
      int warmup = 5;
      int layers = 3;
      List<String> jvm =
          List.of("-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED");
      for (int i = 0; i + 1 < args.length; i += 2) {
        String value = args[i + 1];
        switch (args[i]) {
          case "--mixnode-jar" -> mixnode = Path.of(value);
          case "--router-jar" -> router = Path.of(value);
          case "--delays" -> delays = Arrays.stream(value.split(",")).map(Long::valueOf).toList();
          case "--weights" ->
              weights = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
          case "--clients" -> clients = Integer.parseInt(value);
          case "--flow-requests" -> flowRequests = Integer.parseInt(value);
          case "--seconds" -> seconds = Integer.parseInt(value);
          case "--warmup" -> warmup = Integer.parseInt(value);
          case "--layers" -> layers = Integer.parseInt(value);
          case "--jvm" -> jvm = List.of(value.split(" "));
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      return new Options(
          mixnode, router, delays, weights, clients, flowRequests, seconds, warmup, layers, jvm);
    }
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    try (var cluster = new BenchCluster(options.layers())) {
      cluster.start(options.mixnodeJar(), options.routerJar(), options.jvm());
      System.out.printf(
          Locale.ROOT,
          "router bench: %d layers, %d clients, flows of %d GETs, %d s per run (+%d s warm-up),"
              + " GET of a 20-byte body%n",
          options.layers(),
          options.clients(),
          options.flowRequests(),
          options.seconds(),
          options.warmup());
      System.out.println(
          "| per-hop mean delay | weight | requests/s | p50 ms | p95 ms | mixnet share |"
              + " mixnet p50 / p95 ms | fallback p50 / p95 ms | failed |");
      System.out.println("|---|---|---|---|---|---|---|---|---|");
      for (long delay : options.delays()) {
        for (int weight : options.weights()) {
          cluster.configure(delay, weight);
          var load = new FlowLoad(cluster.proxyPort, "echo.fog");
          load.run(options.clients(), options.flowRequests(), Duration.ofSeconds(options.warmup()));
          FlowLoad.Result result =
              load.run(
                  options.clients(), options.flowRequests(), Duration.ofSeconds(options.seconds()));
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
