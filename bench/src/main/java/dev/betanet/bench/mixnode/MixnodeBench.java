package dev.betanet.bench.mixnode;

import dev.betanet.protocol.crypto.X25519;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Load harness for one real mixnode process: starts the Quarkus jar with generated keys and
 * topology (per-hop delay 0), drives it over loopback with pre-built packets whose next hop is the
 * harness's own sink, and reports, per X25519 implementation:
 *
 * <ul>
 *   <li>saturation (closed loop, a window of packets in flight): packets/s forwarded, and packets
 *       per CPU-second of the mixnode process ({@code utime + stime} from /proc);
 *   <li>a fixed rate (open loop): p50/p99/max per-hop latency (sent → forwarded packet read back at
 *       the sink, loopback both ways) and resident memory (VmRSS, peak VmHWM).
 * </ul>
 *
 * The load generator and sink run on the same machine and share its cores with the mixnode: the
 * per-CPU-second figure is the one that carries over to a machine of its own.
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -Xmx3g -cp bench/target/benchmarks.jar
 * dev.betanet.bench.mixnode.MixnodeBench [--x25519 bouncycastle,openssl] [--saturate 240000]
 * [--rate 20000] [--rate-seconds 5] [--connections 4] [--jar path] [--jvm "-Xmx128m ..."]}
 */
public final class MixnodeBench {

  private record Options(
      Path jar,
      List<String> implementations,
      int saturatePackets,
      int rate,
      int rateSeconds,
      int connections,
      int window,
      List<String> jvmOptions) {

    static Options parse(String[] args) {
      Path jar = Path.of("mixnode-service/target/quarkus-app/quarkus-run.jar");
      List<String> implementations = List.of("bouncycastle", "openssl");
      int saturate = 240_000;
      int rate = 20_000;
      int rateSeconds = 5;
      int connections = 4;
      int window = 256;
      List<String> jvm = List.of("-Xms128m", "-Xmx128m", "-XX:+UseSerialGC");
      for (int i = 0; i < args.length; i += 2) {
        String value = args[i + 1];
        switch (args[i]) {
          case "--jar" -> jar = Path.of(value);
          case "--x25519" -> implementations = List.of(value.split(","));
          case "--saturate" -> saturate = Integer.parseInt(value);
          case "--rate" -> rate = Integer.parseInt(value);
          case "--rate-seconds" -> rateSeconds = Integer.parseInt(value);
          case "--connections" -> connections = Integer.parseInt(value);
          case "--window" -> window = Integer.parseInt(value);
          case "--jvm" -> jvm = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      return new Options(
          jar, implementations, saturate, rate, rateSeconds, connections, window, jvm);
    }
  }

  private record Result(
      String x25519,
      double saturatedPerSecond,
      double perCpuSecond,
      double cpuCores,
      double ratePerSecond,
      double rateAchieved,
      double p50Millis,
      double p99Millis,
      double maxMillis,
      double rssMiB,
      double peakRssMiB,
      long lost) {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    List<Result> results = new ArrayList<>();
    for (String implementation : options.implementations()) {
      results.add(run(options, implementation));
    }
    System.out.printf(
        Locale.ROOT,
        "%nmixnode, one process, %d cores, JVM %s%n",
        Runtime.getRuntime().availableProcessors(),
        String.join(" ", options.jvmOptions()));
    System.out.printf(
        Locale.ROOT,
        "| X25519 | saturated pkt/s | pkt per mixnode CPU-s | mixnode cores busy | fixed rate"
            + " pkt/s | p50 ms | p99 ms | max ms | RSS MiB (peak) | lost |%n");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %,.0f | %,.0f | %.2f | %,.0f of %,.0f | %.2f | %.2f | %.1f | %.0f (%.0f) | %d |%n",
          r.x25519(),
          r.saturatedPerSecond(),
          r.perCpuSecond(),
          r.cpuCores(),
          r.rateAchieved(),
          r.ratePerSecond(),
          r.p50Millis(),
          r.p99Millis(),
          r.maxMillis(),
          r.rssMiB(),
          r.peakRssMiB(),
          r.lost());
    }
  }

  private static Result run(Options options, String implementation) throws Exception {
    int fixedPackets = options.rate() * options.rateSeconds();
    int total = options.saturatePackets() + fixedPackets;
    int sinkPortProbe = MixnodeProcess.freePort();
    int packetPort = MixnodeProcess.freePort();
    long[] sent = new long[total];
    long[] arrived = new long[total];
    BenchNetwork.Packets[] packets = new BenchNetwork.Packets[1];
    try (var sink =
        new Sink(
            BenchNetwork.PACKET_SIZE,
            forwarded -> packets[0] == null ? -1 : packets[0].identify(forwarded),
            arrived)) {
      var network = new BenchNetwork(packetPort, sink.port());
      log("%s: building %,d packets (mixnode -> sink)...", implementation, total);
      long buildStart = System.nanoTime();
      packets[0] = network.build(total, 2, X25519.bestAvailable());
      log("  built in %.1f s", (System.nanoTime() - buildStart) / 1e9);

      try (var node =
          new MixnodeProcess(
              options.jar(), network, packetPort, implementation, options.jvmOptions())) {
        node.awaitReady(Duration.ofSeconds(30));
        var probe = new ProcessProbe(node.pid());
        var driver =
            new LoadDriver(node.packetPort, packets[0].packets(), sent, options.connections());

        // Saturation: the first fifth warms the JIT up and is not measured.
        int warm = options.saturatePackets() / 5;
        driver.send(0, warm, 0, sink::received, options.window());
        awaitArrivals(sink, warm, Duration.ofSeconds(30));
        double cpuBefore = probe.cpuSeconds();
        long start = System.nanoTime();
        driver.send(warm, options.saturatePackets(), 0, sink::received, options.window());
        awaitArrivals(sink, options.saturatePackets(), Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = probe.cpuSeconds() - cpuBefore;
        int measured = options.saturatePackets() - warm;
        log("  saturated: %,d packets in %.2f s, mixnode CPU %.2f s", measured, seconds, cpu);

        // Fixed rate: latency and memory at a given load.
        long fixedStart = System.nanoTime();
        driver.send(options.saturatePackets(), total, options.rate(), sink::received, 0);
        awaitArrivals(sink, total, Duration.ofSeconds(30));
        double fixedSeconds = (System.nanoTime() - fixedStart) / 1e9;
        double rss = probe.rssMiB();
        double peak = probe.peakRssMiB();
        double[] latencies = latenciesMillis(sent, arrived, options.saturatePackets(), total);
        long lost = total - sink.received();
        if (sink.unknown() > 0) {
          throw new IllegalStateException(sink.unknown() + " forwarded packets matched none sent");
        }
        log("  node metrics: %s", forwardedLine(node.metrics()));
        return new Result(
            implementation,
            measured / seconds,
            measured / cpu,
            cpu / seconds,
            options.rate(),
            fixedPackets / fixedSeconds,
            percentile(latencies, 0.50),
            percentile(latencies, 0.99),
            latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1],
            rss,
            peak,
            lost);
      } finally {
        network.delete();
      }
    }
  }

  private static void awaitArrivals(Sink sink, long count, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (sink.received() < count) {
      if (System.nanoTime() > deadline) {
        log("  only %,d of %,d packets arrived within %s", sink.received(), count, timeout);
        return;
      }
      Thread.sleep(5);
    }
  }

  private static double[] latenciesMillis(long[] sent, long[] arrived, int from, int to) {
    double[] latencies = new double[to - from];
    int n = 0;
    for (int i = from; i < to; i++) {
      if (arrived[i] != 0) {
        latencies[n++] = (arrived[i] - sent[i]) / 1e6;
      }
    }
    double[] result = Arrays.copyOf(latencies, n);
    Arrays.sort(result);
    return result;
  }

  private static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static String forwardedLine(String metrics) {
    StringBuilder out = new StringBuilder();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("betanet_mixnode_packets_total") && !line.endsWith(" 0.0")) {
        out.append(line.substring("betanet_mixnode_packets_total".length())).append(' ');
      }
    }
    return out.toString().trim();
  }

  private static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, format + "%n", args);
  }
}
