package dev.betanet.bench.mixnode;

import dev.betanet.bench.common.CommandLines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Load harness for one real mixnode process: starts the Quarkus jar with generated keys and
 * topology (per-hop delay 0, no cover traffic), drives it over loopback with pre-built packets
 * whose next hop is the harness's own sink, and prints a markdown table per X25519 implementation
 * (phases: {@link BenchRun}):
 *
 * <ul>
 *   <li>the bound, measured in this JVM while the node idles: one hop of packet processing per
 *       CPU-second with every core busy, and on one thread (on the node's own core with {@code
 *       --pin}), and raw X25519 per CPU-second;
 *   <li>saturation (closed loop): packets/s forwarded, mixnode cores busy, packets per CPU-second
 *       of the mixnode process ({@code utime + stime} from /proc), and that ÷ the bound it is
 *       judged by: all cores busy when unpinned, the node's core when pinned;
 *   <li>an open loop (80 % of the saturated rate unless {@code --rate}, Poisson arrivals, one
 *       packet per write over 16 connections): packets shed, p50/p99 per-hop latency (sent →
 *       forwarded packet read back at the sink, loopback both ways), CPU per packet at that rate,
 *       and resident memory (largest VmRSS sampled during the phase; VmHWM).
 * </ul>
 *
 * The load generator and sink run on the same machine and share its cores with the mixnode, unless
 * {@code --pin} puts them on separate cores with taskset: the per-CPU-second figure is the one that
 * carries over to a machine of its own.
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -Xmx2g -cp bench/target/benchmarks.jar
 * dev.betanet.bench.mixnode.MixnodeBench [--x25519 bouncycastle,openssl] [--warmup 150000]
 * [--saturate 120000] [--rate 0 (auto)] [--rate-fraction 0.8] [--rate-seconds 5]
 * [--open-warmup-seconds 3] [--connections 4] [--rate-connections 16] [--arrivals poisson|even]
 * [--pin] [--window 512] [--jar path] [--jvm "-Xms128m -Xmx128m -XX:+UseSerialGC
 * -XX:TrimNativeHeapInterval=10000"]}
 */
public final class MixnodeBench {

  private MixnodeBench() {}

  /** The command line, as picocli reads it. */
  @Command(
      name = "MixnodeBench",
      mixinStandardHelpOptions = true,
      description = "Saturates one real mixnode process and reports packets per CPU-second.")
  static final class Arguments {
    @Option(names = "--jar", paramLabel = "PATH", description = "The mixnode's quarkus-run.jar")
    Path jar = Path.of("mixnode-service/target/quarkus-app/quarkus-run.jar");

    @Option(
        names = "--x25519",
        split = ",",
        paramLabel = "IMPL",
        description = "bouncycastle and/or openssl (default both)")
    List<String> implementations = List.of("bouncycastle", "openssl");

    @Option(names = "--warmup", paramLabel = "N", description = "Packets (default 150000)")
    int warmup = 150_000;

    @Option(names = "--saturate", paramLabel = "N", description = "Packets (default 120000)")
    int saturate = 120_000;

    @Option(names = "--rate", paramLabel = "PKT/S", description = "0: auto (default)")
    int rate = 0;

    @Option(
        names = "--rate-fraction",
        paramLabel = "F",
        description = "Open-loop rate as a share of the saturated rate (default 0.8)")
    double rateFraction = 0.8;

    @Option(names = "--rate-seconds", paramLabel = "S", description = "Default 5")
    int rateSeconds = 5;

    @Option(
        names = "--open-warmup-seconds",
        paramLabel = "S",
        description =
            "Unmeasured open loop at the same rate just before the measured one (default 3)")
    int openWarmupSeconds = 3;

    @Option(names = "--connections", paramLabel = "N", description = "Closed loop (default 4)")
    int connections = 4;

    @Option(
        names = "--rate-connections",
        paramLabel = "N",
        description = "Open loop, each packet flushed alone (default 16)")
    int rateConnections = 16;

    @Option(
        names = "--arrivals",
        paramLabel = "poisson|even",
        description = "Open-loop arrival times (default poisson)")
    String arrivals = "poisson";

    @Option(
        names = "--pin",
        description =
            "Node on the last core, harness on the others (taskset); without taskset the run says"
                + " so and goes unpinned")
    boolean pin;

    @Option(names = "--window", paramLabel = "N", description = "Packets in flight (default 512)")
    int window = 512;

    @Option(
        names = "--jvm",
        paramLabel = "OPTIONS",
        description =
            "The node's JVM options, one argument (default -Xms128m -Xmx128m -XX:+UseSerialGC"
                + " -XX:TrimNativeHeapInterval=10000: the images' collector and C-heap trim)")
    String jvm = "-Xms128m -Xmx128m -XX:+UseSerialGC -XX:TrimNativeHeapInterval=10000";

    void validate() {
      if (implementations.isEmpty()) {
        throw new IllegalArgumentException("--x25519 needs at least one implementation");
      }
      if (!arrivals.equals("poisson") && !arrivals.equals("even")) {
        throw new IllegalArgumentException("--arrivals must be poisson or even, not " + arrivals);
      }
      if (rateSeconds < 1 || openWarmupSeconds < 0) {
        throw new IllegalArgumentException(
            "--rate-seconds must be >= 1 and --open-warmup-seconds >= 0");
      }
      if (rateConnections < 1 || connections < 1) {
        throw new IllegalArgumentException("--connections and --rate-connections must be >= 1");
      }
    }

    BenchRun.Settings settings() {
      List<String> jvmOptions = jvm.isBlank() ? List.of() : List.of(jvm.trim().split("\\s+"));
      return new BenchRun.Settings(
          jar,
          warmup,
          saturate,
          rate,
          rateFraction,
          rateSeconds,
          openWarmupSeconds,
          connections,
          rateConnections,
          arrivals.equals("poisson"),
          window,
          jvmOptions,
          pin ? CorePinning.onThisMachine() : null);
    }
  }

  /**
   * @throws ParameterException for an unknown option or a missing or malformed value
   */
  static Arguments parse(String[] args) {
    Arguments arguments = new Arguments();
    CommandLines.parse(arguments, args, Arguments::validate);
    return arguments;
  }

  public static void main(String[] args) throws Exception {
    Arguments arguments = CommandLines.parseOrExit(new Arguments(), args, Arguments::validate);
    BenchRun.Settings settings = arguments.settings();
    List<String> implementations = arguments.implementations;
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
        "mixnode: one process (JVM %s), %s; load average (1 / 5 / 15 min) before %s, after %s;"
            + " open loop: %s arrivals over %d connections, one packet per write",
        String.join(" ", settings.jvmOptions()),
        settings.pinned()
            ? settings.pinning().describe()
            : "UNPINNED: "
                + Runtime.getRuntime().availableProcessors()
                + " cores shared with the load generator and sink",
        before,
        after,
        settings.poisson() ? "Poisson" : "evenly spaced",
        settings.rateConnections());
    out("");
    out(
        "| X25519 | saturated pkt/s | mixnode cores busy | pkt per mixnode CPU-s | bound: one hop"
            + " per CPU-s, all cores busy (one thread%s) | ratio to the %s | open-loop pkt/s |"
            + " shed by node |"
            + " pkt per CPU-s in open loop (ratio) | p50 ms | p99 ms | RSS MiB in open loop"
            + " (peak) |",
        settings.pinned() ? ", on the node's core" : "",
        settings.pinned() ? "node's core" : "all-cores bound");
    out("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (BenchRun.Result r : results) {
      double bound = r.bound().judged();
      out(
          "| %s | %,.0f | %.2f | %,.0f | %,.0f (%,.0f) | **%.2f** | %,.0f of %,d | %,d | %,.0f"
              + " (**%.2f**) | %.2f | %.2f | %.0f (%.0f) |",
          r.x25519(),
          r.saturated().perSecond(),
          r.saturated().cores(),
          r.saturated().perCpuSecond(),
          r.bound().hopsPerCpuSecondAllCores(),
          r.bound().hopsPerCpuSecond(),
          r.saturated().perCpuSecond() / bound,
          r.fixed().perSecond(),
          r.rate(),
          r.fixed().packets() - r.fixed().arrived(),
          r.fixed().perCpuSecond(),
          r.fixed().perCpuSecond() / bound,
          percentile(r.latenciesMillis(), 0.50),
          percentile(r.latenciesMillis(), 0.99),
          r.rssMiB(),
          r.peakRssMiB());
    }
    out("");
    out(
        "| X25519 | raw X25519 per CPU-s | warm-up pkts | JIT share of node CPU (saturated /"
            + " open) | pkt per mixnode CPU-s without JIT, saturated (ratio) / open (ratio) |"
            + " harness CPU per packet (saturated / open)"
            + " | cores busy in open loop: node / harness | node thread sleeps per packet"
            + " (saturated / open) | lost (saturated / open) | node outcomes |");
    out("|---|---|---|---|---|---|---|---|---|---|");
    for (BenchRun.Result r : results) {
      BenchRun.Phase s = r.saturated();
      BenchRun.Phase f = r.fixed();
      out(
          "| %s | %,.0f | %,d | %.1f / %.1f %% | %,.0f (%.2f) / %,.0f (%.2f) | %.1f / %.1f µs |"
              + " %.2f / %.2f | %.2f / %.2f | %,d / %,d | %s |",
          r.x25519(),
          r.bound().x25519PerCpuSecond(),
          r.warmupPackets(),
          100 * s.nodeCpu().jit() / s.nodeCpu().total(),
          100 * f.nodeCpu().jit() / f.nodeCpu().total(),
          s.perCpuSecondWithoutJit(),
          s.perCpuSecondWithoutJit() / r.bound().judged(),
          f.perCpuSecondWithoutJit(),
          f.perCpuSecondWithoutJit() / r.bound().judged(),
          1e6 * s.harnessCpu() / Math.max(1, s.arrived()),
          1e6 * f.harnessCpu() / Math.max(1, f.arrived()),
          f.nodeCpu().total() / f.seconds(),
          f.harnessCpu() / f.seconds(),
          s.switchesPerPacket(),
          f.switchesPerPacket(),
          s.packets() - s.arrived(),
          r.fixed().packets() - r.fixed().arrived(),
          outcomes(r.outcomes()));
      if (r.unknown() > 0) {
        out("  WARNING: %d forwarded packets matched none sent: latencies are wrong", r.unknown());
      }
    }
    printInterleaved(results);
  }

  /** Pinned runs: each phase judged by passes of the bound taken on the node's core around it. */
  private static void printInterleaved(List<BenchRun.Result> results) {
    if (results.stream().noneMatch(r -> r.saturatedJudged() != null)) {
      return;
    }
    out("");
    out(
        "| X25519 | saturated: pkt per node CPU-s (per slice, %d slices) | bound on the node's core,"
            + " a pass before and after each slice: mean (min–max) | **ratio** (per slice) | open"
            + " loop: pkt per node CPU-s | bound passes just before and after it | **ratio** |",
        BenchRun.SATURATION_SLICES);
    out("|---|---|---|---|---|---|---|");
    for (BenchRun.Result r : results) {
      InterleavedBound.Judged s = r.saturatedJudged();
      InterleavedBound.Judged f = r.openJudged();
      if (s == null || f == null) {
        continue;
      }
      out(
          "| %s | %,.0f (%,.0f–%,.0f) | %,.0f (%,.0f–%,.0f) | **%.2f** (%.2f–%.2f) | %,.0f |"
              + " %,.0f / %,.0f | **%.2f** |",
          r.x25519(),
          r.saturated().perCpuSecond(),
          Arrays.stream(s.nodePerCpuSecond()).min().orElseThrow(),
          Arrays.stream(s.nodePerCpuSecond()).max().orElseThrow(),
          s.meanPass(),
          s.minPass(),
          s.maxPass(),
          r.saturated().perCpuSecond() / s.meanPass(),
          s.minRatio(),
          s.maxRatio(),
          r.fixed().perCpuSecond(),
          f.passes()[0],
          f.passes()[1],
          f.ratio(0));
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
