package dev.betanet.bench.local;

import dev.betanet.bench.common.CommandLines;
import dev.betanet.bench.common.FlowLoad;
import dev.betanet.local.LocalSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code make bench-entropy}: what the mixnet hides against load and cover traffic. Starts the
 * local system with the example cluster at canary weight 100 and, for each load (concurrent flows
 * of echo.fog GETs) and each fixed cover rate, lets the mixnodes' 60 s entropy window fill with
 * that traffic and records the {@code status.anonymity} the operator writes next: per layer the
 * departure entropy, the mean pool and the cover share. Writes a table into docs/benchmarks.md and
 * a plot beside it (docs/anonymity-entropy.png).
 */
public final class EntropyBench {

  /** How long a cover rate is given to reach every node before the cell is abandoned. */
  private static final Duration COVER_TIMEOUT = Duration.ofSeconds(120);

  /** How long the operator is given for a reading after the window filled (it reads every 30 s). */
  private static final Duration READING_TIMEOUT = Duration.ofSeconds(75);

  /** The command line, as picocli reads it. */
  @Command(
      name = "make bench-entropy",
      mixinStandardHelpOptions = true,
      description =
          "Departure entropy per layer against load and cover rate; writes docs/benchmarks.md.")
  static final class Arguments {
    @Option(names = "--repository", paramLabel = "DIR", description = "Default: .")
    Path repository = Path.of(".");

    @Option(names = "--state", paramLabel = "DIR", description = "Default: .local/bench-entropy")
    Path state = Path.of(".local", "bench-entropy");

    @Option(
        names = "--report",
        paramLabel = "FILE",
        description = "Markdown file for the table, - for none (default docs/benchmarks.md)")
    String report = "docs/benchmarks.md";

    @Option(
        names = "--plot",
        paramLabel = "FILE",
        description = "PNG plot, - for none (default docs/anonymity-entropy.png)")
    String plot = "docs/anonymity-entropy.png";

    @Option(
        names = "--covers",
        split = ",",
        paramLabel = "R",
        description = "Cover rates, packets/s per node (default 0,6,12,24,48)")
    List<Integer> covers = List.of(0, 6, 12, 24, 48);

    @Option(
        names = "--flows",
        split = ",",
        paramLabel = "N",
        description = "Concurrent flows of load, 0 for none (default 0,10)")
    List<Integer> flows = List.of(0, 10);

    @Option(
        names = "--settle",
        paramLabel = "S",
        description =
            "Seconds of the cell's traffic before a reading counts; at least the nodes' 60 s"
                + " window (default 65)")
    int settle = 65;

    @Option(names = "--flow-requests", paramLabel = "N", description = "GETs per flow (default 10)")
    int flowRequests = 10;

    void validate() {
      if (covers.isEmpty() || covers.stream().anyMatch(c -> c < 0 || c > 1000)) {
        throw new IllegalArgumentException("--covers takes rates from 0 to 1000 packets/s");
      }
      if (flows.isEmpty() || flows.stream().anyMatch(f -> f < 0)) {
        throw new IllegalArgumentException("--flows takes counts of 0 or more");
      }
      if (settle < 60) {
        throw new IllegalArgumentException(
            "--settle must be at least 60 s, the mixnodes' entropy window, not " + settle);
      }
      if (flowRequests < 1) {
        throw new IllegalArgumentException("--flow-requests must be positive");
      }
    }

    /** How a user would repeat this run. */
    String commandLine(String[] args) {
      return args.length == 0 ? "" : " BENCH_ARGS='" + String.join(" ", args) + "'";
    }
  }

  /**
   * One cell: the load and cover rate it ran at and what came of them.
   *
   * @param coverSentPerNode cover each node sent per second while settling, on average: what the
   *     rate set became on a machine that may not keep up with it
   * @param requestsPerSecond answered requests per second (0 without load)
   * @param arrivalsPerNode packets that entered each mixnode's pool per second, on average, while
   *     settling: λ
   * @param meanDelaySeconds the per-hop mean delay 1/μ
   * @param reading the operator's first reading after the window filled
   */
  record Cell(
      int flows,
      int coverRate,
      double coverSentPerNode,
      double requestsPerSecond,
      double arrivalsPerNode,
      double meanDelaySeconds,
      AnonymityReading reading) {

    /** Loopix's mean pool λ/μ for the measured arrival rate. */
    double modelPool() {
      return arrivalsPerNode * meanDelaySeconds;
    }
  }

  private EntropyBench() {}

  static Arguments parse(String[] args) {
    Arguments arguments = new Arguments();
    CommandLines.parse(arguments, args, Arguments::validate);
    return arguments;
  }

  public static void main(String[] args) throws Exception {
    Arguments options = CommandLines.parseOrExit(new Arguments(), args, Arguments::validate);
    ExampleSystem.unpackaged(options.repository)
        .ifPresent(
            module -> {
              System.err.println(
                  "make bench-entropy: " + module + " is not packaged; run make build first");
              System.exit(1);
            });
    String loadAverage = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    Instant began = Instant.now();
    ExampleSystem example =
        ExampleSystem.start(
            options.repository, options.state, "make bench-entropy", EntropyBench::say);
    try (LocalSystem system = example.system()) {
      int proxyPort = example.proxyPort();
      BenchedCluster cluster =
          new BenchedCluster(system, ExampleSystem.NAMESPACE, ExampleSystem.CLUSTER);
      cluster.applyWeight(100, Duration.ofMinutes(1));
      var spec = system.mixnetCluster(ExampleSystem.NAMESPACE, ExampleSystem.CLUSTER);
      double meanDelay = EntropyReport.seconds(EntropyReport.meanDelay(spec));
      FlowLoad load = new FlowLoad(proxyPort, "echo.fog");
      List<Cell> cells = new ArrayList<>();
      for (int flows : options.flows) {
        for (int cover : options.covers) {
          say(String.format(Locale.ROOT, "%d flows, cover %d/s per node", flows, cover));
          Cell cell = measure(cluster, load, flows, cover, meanDelay, options);
          cells.add(cell);
          say(
              String.format(
                  Locale.ROOT,
                  "  weakest layer %.2f bits; %.1f requests/s, %.1f packets/s into each mixnode's pool",
                  cell.reading().weakestBits(),
                  cell.requestsPerSecond(),
                  cell.arrivalsPerNode()));
        }
      }
      String setup =
          EntropyReport.setup(spec, began, loadAverage, options.commandLine(args), options.settle);
      String report = EntropyReport.markdown(setup, cells, options.plot);
      System.out.println();
      System.out.println(report);
      if (!options.plot.equals("-")) {
        EntropyPlot.write(Path.of(options.plot), cells);
        say("plot written to " + options.plot);
      }
      if (!options.report.equals("-")) {
        EntropyReport.SECTION.writeInto(Path.of(options.report), report);
        say("written into " + options.report);
      }
    }
    System.exit(0);
  }

  private static Cell measure(
      BenchedCluster cluster,
      FlowLoad load,
      int flows,
      int cover,
      double meanDelaySeconds,
      Arguments options)
      throws Exception {
    cluster.patchSpec("{\"coverTraffic\":{\"mode\":\"fixed\",\"rate\":" + cover + "}}");
    List<BenchedCluster.Pod> pods = cluster.pods();
    List<BenchedCluster.Pod> mixnodes =
        pods.stream().filter(p -> BenchedCluster.MIXNODE.equals(p.component())).toList();
    awaitCoverRate(cluster, pods, cover);

    Duration loadFor = Duration.ofSeconds(options.settle).plus(READING_TIMEOUT);
    CompletableFuture<FlowLoad.Result> loaded =
        flows == 0
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return load.run(flows, options.flowRequests, loadFor);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("load interrupted", e);
                  }
                });
    long from = System.nanoTime();
    double forwardedBefore = cluster.mixnodesForwarded(mixnodes);
    double ownCoverBefore = cluster.coverSent(mixnodes);
    double coverBefore = cluster.coverSent(pods);
    Thread.sleep(Duration.ofSeconds(options.settle));
    Instant windowFull = Instant.now();
    AnonymityReading reading = awaitReadingAfter(cluster, windowFull);
    double forwarded = cluster.mixnodesForwarded(mixnodes) - forwardedBefore;
    double ownCover = cluster.coverSent(mixnodes) - ownCoverBefore;
    double coverSent = cluster.coverSent(pods) - coverBefore;
    double seconds = (System.nanoTime() - from) / 1e9;
    FlowLoad.Result result = loaded.get();
    if (result != null && result.failed() > 0) {
      say("  " + result.failed() + " requests failed during the cell");
    }
    // A mixnode counts the cover it makes as forwarded, but that packet never enters its pool.
    return new Cell(
        flows,
        cover,
        coverSent / seconds / pods.size(),
        result == null ? 0 : result.answeredPerSecond(),
        (forwarded - ownCover) / seconds / mixnodes.size(),
        meanDelaySeconds,
        reading);
  }

  /**
   * Waits until the pods send cover at the new rate, measured over 5 s: every node has read the
   * topology that carries it. Rate 0 means none at all.
   */
  private static void awaitCoverRate(
      BenchedCluster cluster, List<BenchedCluster.Pod> pods, int rate) throws Exception {
    double expected = (double) rate * pods.size();
    long deadline = System.nanoTime() + COVER_TIMEOUT.toNanos();
    double measured = Double.NaN;
    while (System.nanoTime() < deadline) {
      double before = cluster.coverSent(pods);
      Thread.sleep(5_000);
      measured = (cluster.coverSent(pods) - before) / 5;
      if (rate == 0 ? measured == 0 : Math.abs(measured - expected) <= 0.3 * expected) {
        return;
      }
    }
    throw new IllegalStateException(
        String.format(
            Locale.ROOT,
            "cover rate %d/s per node not reached within %d s: the %d pods sent %.1f/s, not %.0f",
            rate,
            COVER_TIMEOUT.toSeconds(),
            pods.size(),
            measured,
            expected));
  }

  private static AnonymityReading awaitReadingAfter(BenchedCluster cluster, Instant after)
      throws InterruptedException {
    long deadline = System.nanoTime() + READING_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<AnonymityReading> reading = AnonymityReading.fromStatus(cluster.status());
      if (reading.isPresent() && !reading.get().measuredAt().isBefore(after)) {
        return reading.get();
      }
      Thread.sleep(1_000);
    }
    throw new IllegalStateException(
        "no complete status.anonymity measured after "
            + after
            + " within "
            + READING_TIMEOUT.toSeconds()
            + " s (is every mixnode readable?)");
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
