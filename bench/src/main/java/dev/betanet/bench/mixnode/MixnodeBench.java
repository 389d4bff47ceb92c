package dev.betanet.bench.mixnode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Load harness for one real mixnode process: starts the Quarkus jar with generated keys and
 * topology (per-hop delay 0, no cover traffic), drives it over loopback with pre-built packets
 * whose next hop is the harness's own sink, and prints a markdown table per X25519 implementation
 * (phases: {@link BenchRun}):
 *
 * <ul>
 *   <li>the bound, measured in this JVM while the node idles: one hop of packet processing per
 *       CPU-second with every core busy (and on one core, and raw X25519 per CPU-second);
 *   <li>saturation (closed loop): packets/s forwarded, mixnode cores busy, packets per CPU-second
 *       of the mixnode process ({@code utime + stime} from /proc), and that ÷ the all-cores bound;
 *   <li>a fixed rate (open loop, half the saturated rate unless {@code --rate}): p50/p99 per-hop
 *       latency (sent → forwarded packet read back at the sink, loopback both ways), CPU per packet
 *       at that rate, and resident memory (largest VmRSS sampled during the phase; VmHWM).
 * </ul>
 *
 * The load generator and sink run on the same machine and share its cores with the mixnode: the
 * per-CPU-second figure is the one that carries over to a machine of its own.
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -Xmx2g -cp bench/target/benchmarks.jar
 * dev.betanet.bench.mixnode.MixnodeBench [--x25519 bouncycastle,openssl] [--warmup 150000]
 * [--saturate 120000] [--rate 0 (auto)] [--rate-fraction 0.5] [--rate-seconds 5] [--connections 4]
 * [--window 512] [--jar path] [--jvm "-Xms128m -Xmx128m -XX:+UseSerialGC"]}
 */
public final class MixnodeBench {

  private MixnodeBench() {}

  static BenchRun.Settings parse(String[] args) {
    Path jar = Path.of("mixnode-service/target/quarkus-app/quarkus-run.jar");
    int warmup = 150_000;
    int saturate = 120_000;
    int rate = 0;
    double rateFraction = 0.5;
    int rateSeconds = 5;
    int connections = 4;
    int window = 512;
    List<String> jvm = List.of("-Xms128m", "-Xmx128m", "-XX:+UseSerialGC");
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      String value = args[i + 1];
      switch (args[i]) {
        case "--jar" -> jar = Path.of(value);
        case "--x25519" -> {} // read by main
        case "--warmup" -> warmup = Integer.parseInt(value);
        case "--saturate" -> saturate = Integer.parseInt(value);
        case "--rate" -> rate = Integer.parseInt(value);
        case "--rate-fraction" -> rateFraction = Double.parseDouble(value);
        case "--rate-seconds" -> rateSeconds = Integer.parseInt(value);
        case "--connections" -> connections = Integer.parseInt(value);
        case "--window" -> window = Integer.parseInt(value);
        case "--jvm" -> jvm = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    return new BenchRun.Settings(
        jar, warmup, saturate, rate, rateFraction, rateSeconds, connections, window, jvm);
  }

  public static void main(String[] args) throws Exception {
    BenchRun.Settings settings = parse(args);
    List<String> implementations = List.of("bouncycastle", "openssl");
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("--x25519")) {
        implementations = List.of(args[i + 1].split(","));
      }
    }
    if (!Files.isRegularFile(settings.jar())) {
      throw new IllegalArgumentException(
          settings.jar() + " not found: build it with ./mvnw -pl mixnode-service,bench install");
    }
    String loadBefore = loadAverage();
    List<BenchRun.Result> results = new ArrayList<>();
    for (String implementation : implementations) {
      results.add(new BenchRun(settings, implementation).run());
    }
    print(settings, results, loadBefore, loadAverage());
  }

  private static void print(
      BenchRun.Settings settings, List<BenchRun.Result> results, String before, String after) {
    out("");
    out(
        "mixnode: one process (JVM %s), %d cores shared with the load generator and sink;"
            + " load average before %s, after %s",
        String.join(" ", settings.jvmOptions()),
        Runtime.getRuntime().availableProcessors(),
        before,
        after);
    out("");
    out(
        "| X25519 | saturated pkt/s | mixnode cores busy | pkt per mixnode CPU-s | bound: one hop"
            + " per CPU-s, all cores busy (one core) | ratio | fixed rate pkt/s | p50 ms | p99 ms |"
            + " pkt per CPU-s at fixed rate | RSS MiB at fixed rate (peak) |");
    out("|---|---|---|---|---|---|---|---|---|---|---|");
    for (BenchRun.Result r : results) {
      out(
          "| %s | %,.0f | %.2f | %,.0f | %,.0f (%,.0f) | **%.2f** | %,.0f of %,d | %.2f | %.2f |"
              + " %,.0f | %.0f (%.0f) |",
          r.x25519(),
          r.saturated().perSecond(),
          r.saturated().cores(),
          r.saturated().perCpuSecond(),
          r.bound().hopsPerCpuSecondAllCores(),
          r.bound().hopsPerCpuSecond(),
          r.saturated().perCpuSecond() / r.bound().hopsPerCpuSecondAllCores(),
          r.fixed().perSecond(),
          r.rate(),
          percentile(r.latenciesMillis(), 0.50),
          percentile(r.latenciesMillis(), 0.99),
          r.fixed().perCpuSecond(),
          r.rssMiB(),
          r.peakRssMiB());
    }
    out("");
    out(
        "| X25519 | raw X25519 per CPU-s | warm-up pkts | JIT share of node CPU (saturated) | pkt"
            + " per mixnode CPU-s without JIT (ratio) | harness CPU per packet (saturated / fixed)"
            + " | cores busy at fixed rate: node / harness | lost (saturated / fixed) | node"
            + " outcomes |");
    out("|---|---|---|---|---|---|---|---|---|");
    for (BenchRun.Result r : results) {
      BenchRun.Phase s = r.saturated();
      BenchRun.Phase f = r.fixed();
      out(
          "| %s | %,.0f | %,d | %.1f %% | %,.0f (%.2f) | %.1f / %.1f µs | %.2f / %.2f | %,d / %,d |"
              + " %s |",
          r.x25519(),
          r.bound().x25519PerCpuSecond(),
          r.warmupPackets(),
          100 * s.nodeCpu().jit() / s.nodeCpu().total(),
          s.perCpuSecondWithoutJit(),
          s.perCpuSecondWithoutJit() / r.bound().hopsPerCpuSecondAllCores(),
          1e6 * s.harnessCpu() / Math.max(1, s.arrived()),
          1e6 * f.harnessCpu() / Math.max(1, f.arrived()),
          f.nodeCpu().total() / f.seconds(),
          f.harnessCpu() / f.seconds(),
          s.packets() - s.arrived(),
          r.fixed().packets() - r.fixed().arrived(),
          outcomes(r.outcomes()));
      if (r.unknown() > 0) {
        out("  WARNING: %d forwarded packets matched none sent: latencies are wrong", r.unknown());
      }
    }
  }

  private static String outcomes(Map<String, Long> outcomes) {
    StringBuilder text = new StringBuilder();
    outcomes.forEach(
        (result, count) ->
            text.append(text.isEmpty() ? "" : ", ")
                .append(result)
                .append(' ')
                .append(String.format(Locale.ROOT, "%,d", count)));
    return text.toString();
  }

  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " / " + fields[1] + " / " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void out(String format, Object... args) {
    System.out.printf(Locale.ROOT, format + "%n", args);
  }
}
