package dev.betanet.bench.router;

import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load harness for the whole request path on one machine: a client (the JDK's HttpClient with the
 * entry router as its proxy) → entry router process → one mixnode process per layer → exit router
 * process → backend, and back through SURBs. For each per-hop mean delay it reports requests/s and
 * p50/p95 latency of small GETs from a fixed number of concurrent clients (closed loop).
 *
 * <p>Everything shares the machine's cores, so the figures bound what one small machine does; the
 * delay-0 run measures the routers' and mixnodes' processing, the delayed run adds the mixing delay
 * (expected 2 × layers × mean per round trip).
 *
 * <p>Usage (after {@code ./mvnw -pl mixnode-service,router-service,bench package -DskipTests}):
 * {@code java -cp bench/target/benchmarks.jar dev.betanet.bench.router.RouterBench [--delays 0,50]
 * [--clients 8] [--seconds 20] [--warmup 5] [--layers 3]}
 */
public final class RouterBench {

  private record Options(
      Path mixnodeJar,
      Path routerJar,
      List<Long> delays,
      int clients,
      int seconds,
      int warmup,
      int layers,
      List<String> jvm) {

    static Options parse(String[] args) {
      Path mixnode = Path.of("mixnode-service/target/quarkus-app/quarkus-run.jar");
      Path router = Path.of("router-service/target/quarkus-app/quarkus-run.jar");
      List<Long> delays = List.of(0L, 50L);
      int clients = 8;
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
          case "--clients" -> clients = Integer.parseInt(value);
          case "--seconds" -> seconds = Integer.parseInt(value);
          case "--warmup" -> warmup = Integer.parseInt(value);
          case "--layers" -> layers = Integer.parseInt(value);
          case "--jvm" -> jvm = List.of(value.split(" "));
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      return new Options(mixnode, router, delays, clients, seconds, warmup, layers, jvm);
    }
  }

  private record Result(long ok, long failed, double seconds, long[] latenciesNanos) {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    try (var cluster = new BenchCluster(options.layers())) {
      cluster.start(options.mixnodeJar(), options.routerJar(), options.jvm());
      var client =
          HttpClient.newBuilder()
              .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", cluster.proxyPort)))
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      System.out.printf(
          Locale.ROOT,
          "router bench: %d layers, %d clients, %d s per run (+%d s warm-up), GET of a 20-byte"
              + " body%n",
          options.layers(),
          options.clients(),
          options.seconds(),
          options.warmup());
      System.out.println("| per-hop mean delay | requests/s | p50 ms | p95 ms | failed |");
      System.out.println("|---|---|---|---|---|");
      for (long delay : options.delays()) {
        cluster.setMeanDelay(delay);
        run(client, options.clients(), options.warmup());
        Result result = run(client, options.clients(), options.seconds());
        long[] sorted = result.latenciesNanos().clone();
        Arrays.sort(sorted);
        System.out.printf(
            Locale.ROOT,
            "| %d ms | %.1f | %.1f | %.1f | %d |%n",
            delay,
            result.ok() / result.seconds(),
            percentile(sorted, 0.50) / 1e6,
            percentile(sorted, 0.95) / 1e6,
            result.failed());
      }
    }
  }

  private static Result run(HttpClient client, int clients, int seconds) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<List<Long>> latencies = new ArrayList<>();
    long started = System.nanoTime();
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < clients; c++) {
        List<Long> mine = new ArrayList<>();
        latencies.add(mine);
        int id = c;
        executor.submit(
            () -> {
              long n = 0;
              while (System.nanoTime() < end) {
                var request =
                    HttpRequest.newBuilder(URI.create("http://echo.fog/bench/" + id + "/" + n++))
                        .timeout(Duration.ofSeconds(60))
                        .build();
                long t0 = System.nanoTime();
                try {
                  var response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                  if (response.statusCode() == 200) {
                    mine.add(System.nanoTime() - t0);
                    ok.incrementAndGet();
                  } else {
                    failed.incrementAndGet();
                  }
                } catch (java.io.IOException e) {
                  failed.incrementAndGet();
                }
              }
              return null;
            });
      }
    }
    double elapsed = (System.nanoTime() - started) / 1e9;
    long[] all = latencies.stream().flatMap(List::stream).mapToLong(Long::longValue).toArray();
    return new Result(ok.get(), failed.get(), elapsed, all);
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }
}
