package dev.betanet.bench.router;

import dev.betanet.bench.common.CommandLines;
import dev.betanet.bench.common.ProcessProbe;
import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.metrics.PrometheusTextParser;
import dev.betanet.protocol.metrics.Scrape;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the router's Poisson send queue costs: a real cluster ({@link BenchCluster}: mixnode and
 * router processes), the entry router idle, so every slot of its send queue is a cover packet (the
 * most expensive slot: a real packet was built by its role anyway, a cover packet is built for the
 * slot). For each rate the bench publishes it in the topology, lets the routers take it, then
 * measures over a window the entry process's CPU ({@code /proc}) and its slots ({@code
 * betanet_router_send_slots_total} by kind, from its own metrics). The bound each rate is judged
 * against is the rate itself: achieved slots per second over the configured rate; the cost of a
 * slot is the CPU above the same process at rate 0 (unpaced: no slots, no cover), per slot.
 */
public final class SendQueueBench {

  @Command(name = "send-queue-bench", mixinStandardHelpOptions = true)
  static final class Options {
    @Option(names = "--mixnode-jar", paramLabel = "PATH", description = "quarkus-run.jar")
    Path mixnodeJar = Path.of("mixnode-service/target/quarkus-app/quarkus-run.jar");

    @Option(names = "--router-jar", paramLabel = "PATH", description = "quarkus-run.jar")
    Path routerJar = Path.of("router-service/target/quarkus-app/quarkus-run.jar");

    @Option(
        names = "--rates",
        split = ",",
        paramLabel = "PER_SECOND",
        description = "Send rates to measure; 0 (the baseline) is always measured first")
    List<Long> rates = List.of(100L, 1000L, 3000L);

    @Option(names = "--seconds", paramLabel = "S", description = "Per rate (default 20)")
    int seconds = 20;

    @Option(names = "--layers", paramLabel = "N", description = "Default 3")
    int layers = 3;

    @Option(
        names = "--jvm",
        paramLabel = "OPTIONS",
        description = "JVM options for every process (default: a small heap and native access)")
    String jvm = "-Xmx128m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED";

    void validate() {
      if (seconds < 1 || layers < 1 || rates.stream().anyMatch(r -> r < 1 || r > 10_000)) {
        throw new IllegalArgumentException("seconds, layers >= 1 and rates within 1..10000");
      }
    }

    List<String> jvmOptions() {
      return jvm.isBlank() ? List.of() : List.of(jvm.trim().split("\\s+"));
    }
  }

  private record Window(double cpuSeconds, Map<String, Double> slots, double seconds) {
    double slots(String kind) {
      return slots.getOrDefault(kind, 0.0);
    }
  }

  public static void main(String[] args) throws Exception {
    Options options = CommandLines.parseOrExit(new Options(), args, Options::validate);
    try (var cluster = new BenchCluster(options.layers, 0)) {
      cluster.start(options.mixnodeJar, options.routerJar, options.jvmOptions());
      var probe = new ProcessProbe(cluster.entryPid());
      System.out.printf(
          Locale.ROOT,
          "send queue bench: %d layers, idle entry (every slot cover), %d s per rate, load average"
              + " at start %s%n",
          options.layers,
          options.seconds,
          loadAverage());
      Window idle = measure(cluster, probe, 0, options.seconds);
      double idleCores = idle.cpuSeconds() / idle.seconds();
      System.out.printf(
          Locale.ROOT, "baseline, rate 0 (unpaced, no cover): %.3f cores%n", idleCores);
      System.out.println(
          "| rate /s | slots/s achieved | ratio to rate | cover | empty | entry cores | cores above"
              + " rate 0 | CPU µs per slot (above rate 0) | bandwidth KiB/s |");
      System.out.println("|---|---|---|---|---|---|---|---|---|");
      for (long rate : options.rates) {
        Window w = measure(cluster, probe, rate, options.seconds);
        double slots = w.slots("real") + w.slots("cover") + w.slots("empty") + w.slots("unpaced");
        double perSecond = slots / w.seconds();
        double cores = w.cpuSeconds() / w.seconds();
        double above = cores - idleCores;
        System.out.printf(
            Locale.ROOT,
            "| %d | %.1f | %.3f | %.0f | %.0f | %.3f | %.3f | %.0f | %.0f |%n",
            rate,
            perSecond,
            perSecond / rate,
            w.slots("cover"),
            w.slots("empty"),
            cores,
            above,
            slots == 0 ? 0 : above * w.seconds() / slots * 1e6,
            (w.slots("real") + w.slots("cover")) / w.seconds() * 2048 / 1024);
      }
      System.out.printf(Locale.ROOT, "load average at end %s%n", loadAverage());
    }
  }

  /** Publishes {@code rate}, waits for it to apply, then measures one window. */
  private static Window measure(BenchCluster cluster, ProcessProbe probe, long rate, int seconds)
      throws Exception {
    cluster.configureSendRate(rate);
    Thread.sleep(2000); // a reserve cover packet and the JIT settle at the new rate
    Map<String, Double> before = slots(cluster.entryMetrics());
    double cpuBefore = probe.cpuSeconds();
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    double cpuAfter = probe.cpuSeconds();
    long end = System.nanoTime();
    Map<String, Double> after = slots(cluster.entryMetrics());
    Map<String, Double> delta = new java.util.HashMap<>();
    after.forEach((kind, value) -> delta.put(kind, value - before.getOrDefault(kind, 0.0)));
    return new Window(cpuAfter - cpuBefore, delta, (end - start) / 1e9);
  }

  private static Map<String, Double> slots(String metrics) throws Exception {
    Scrape scrape = PrometheusTextParser.parse(metrics);
    String name = MetricNames.ROUTER_SEND_SLOTS.prometheus();
    if (!scrape.has(name)) {
      throw new IllegalStateException("the entry publishes no " + name);
    }
    return scrape.sumBy(name, "kind");
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private SendQueueBench() {}
}
