package dev.betanet.bench.local;

import dev.betanet.bench.common.CommandLines;
import dev.betanet.bench.common.FlowLoad;
import dev.betanet.local.LocalSystem;
import dev.betanet.protocol.spec.Durations;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code make bench}: starts the whole system as {@code make run} does (embedded API, operator, the
 * example cluster's mixnodes and router as processes, echo backend), then loads it through the
 * proxy with 10, 50 and 150 concurrent flows, first all on the fallback tunnel (weight 0), then all
 * on the mixnet (weight 100); then moves bulk data over SOCKS5 streams ({@link BulkRuns}) over each
 * transport, the mixnet at each mean per-hop delay and send rate; and writes the figures into
 * docs/benchmarks.md.
 *
 * <p>Options: {@code --flows 10,50,150}, {@code --transports fallback,mixnet}, {@code --seconds 30}
 * and {@code --warmup 15} per run, {@code --flow-requests 10} GETs per flow, {@code --bulk-seconds
 * 20} of sending per bulk run (0 for none), {@code --bulk-streams 1,10}, {@code --bulk-delays
 * 50ms,5ms}, {@code --bulk-rates example,600} ({@code example}: the cluster's own), {@code --posts
 * 3} POSTs of {@code --post-bytes 200000} echoed through the proxy over the mixnet, {@code --report
 * docs/benchmarks.md} ({@code -} for none), {@code --state .local/bench}, {@code --repository .}.
 */
public final class LocalBench {

  private static final String NAMESPACE = ExampleSystem.NAMESPACE;
  private static final String CLUSTER = ExampleSystem.CLUSTER;

  /** {@code --bulk-rates}' name for the cluster's own send rate. */
  static final String EXAMPLE_RATE = "example";

  record Options(
      Path repository,
      Path state,
      String report,
      List<Integer> flows,
      List<String> transports,
      int seconds,
      int warmup,
      int flowRequests,
      int bulkSeconds,
      List<Integer> bulkStreams,
      List<String> bulkDelays,
      List<Long> bulkRates,
      int posts,
      int postBytes,
      List<String> args) {

    /** How a user would repeat this run. */
    String commandLine() {
      return args.isEmpty() ? "" : " BENCH_ARGS='" + String.join(" ", args) + "'";
    }

    /**
     * @throws ParameterException for an unknown option, a missing or malformed value, or a value
     *     out of range
     */
    static Options parse(String[] args) {
      Arguments arguments = new Arguments();
      CommandLines.parse(arguments, args, Arguments::validate);
      return of(arguments, args);
    }

    static Options of(Arguments a, String[] args) {
      return new Options(
          a.repository,
          a.state,
          a.report,
          a.flows,
          a.transports,
          a.seconds,
          a.warmup,
          a.flowRequests,
          a.bulkSeconds,
          a.bulkStreams,
          a.bulkDelays,
          a.bulkRates.stream().map(r -> r.equals(EXAMPLE_RATE) ? null : Long.valueOf(r)).toList(),
          a.posts,
          a.postBytes,
          List.of(args));
    }
  }

  /** The command line, as picocli reads it. */
  @Command(
      name = "make bench",
      mixinStandardHelpOptions = true,
      description = "Loads the local system through its proxy; writes docs/benchmarks.md.")
  static final class Arguments {
    @Option(names = "--repository", paramLabel = "DIR", description = "Default: .")
    Path repository = Path.of(".");

    @Option(names = "--state", paramLabel = "DIR", description = "Default: .local/bench")
    Path state = Path.of(".local", "bench");

    @Option(
        names = "--report",
        paramLabel = "FILE",
        description =
            "Markdown file to write the report into, - for none (default docs/benchmarks.md)")
    String report = "docs/benchmarks.md";

    @Option(
        names = "--flows",
        split = ",",
        paramLabel = "N",
        description = "Concurrent flows per run (default 10,50,150)")
    List<Integer> flows = List.of(10, 50, 150);

    @Option(
        names = "--transports",
        split = ",",
        paramLabel = "T",
        description = "fallback and/or mixnet (default fallback,mixnet)")
    List<String> transports = List.of("fallback", "mixnet");

    @Option(names = "--seconds", paramLabel = "S", description = "Per run (default 30)")
    int seconds = 30;

    @Option(names = "--warmup", paramLabel = "S", description = "Per run (default 15)")
    int warmup = 15;

    @Option(names = "--flow-requests", paramLabel = "N", description = "GETs per flow (default 10)")
    int flowRequests = 10;

    @Option(
        names = "--bulk-seconds",
        paramLabel = "S",
        description = "Sending time of each bulk run over SOCKS5 streams, 0 for none (default 20)")
    int bulkSeconds = 20;

    @Option(
        names = "--bulk-streams",
        split = ",",
        paramLabel = "N",
        description = "Streams at once per bulk run (default 1,10)")
    List<Integer> bulkStreams = List.of(1, 10);

    @Option(
        names = "--bulk-delays",
        split = ",",
        paramLabel = "D",
        description = "Mean per-hop delays of the mixnet bulk runs (default 50ms,5ms)")
    List<String> bulkDelays = List.of("50ms", "5ms");

    @Option(
        names = "--bulk-rates",
        split = ",",
        paramLabel = "R",
        description =
            "Router send rates (packets/s) of the mixnet bulk runs; example is the cluster's own"
                + " (default example,600)")
    List<String> bulkRates = List.of(EXAMPLE_RATE, "600");

    @Option(
        names = "--posts",
        paramLabel = "N",
        description =
            "POSTs echoed through the proxy over the mixnet at the cluster's own delay and rate, 0"
                + " for none (default 3)")
    int posts = 3;

    @Option(names = "--post-bytes", paramLabel = "B", description = "Their size (default 200000)")
    int postBytes = 200_000;

    void validate() {
      for (String t : transports) {
        if (!t.equals("fallback") && !t.equals("mixnet")) {
          throw new IllegalArgumentException("--transports takes fallback and/or mixnet, not " + t);
        }
      }
      if (flows.stream().anyMatch(f -> f < 1) || seconds < 1 || warmup < 0 || flowRequests < 1) {
        throw new IllegalArgumentException(
            "--flows, --seconds and --flow-requests must be positive, --warmup not negative");
      }
      if (posts < 0 || postBytes < 1) {
        throw new IllegalArgumentException(
            "--posts must not be negative, --post-bytes must be positive");
      }
      if (bulkSeconds < 0 || bulkStreams.stream().anyMatch(n -> n < 1)) {
        throw new IllegalArgumentException(
            "--bulk-seconds must not be negative, --bulk-streams must be positive");
      }
      for (String delay : bulkDelays) {
        try {
          Durations.parse(delay, "--bulk-delays");
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "--bulk-delays takes durations like 50ms or 1s, not " + delay, e);
        }
      }
      for (String rate : bulkRates) {
        if (!rate.equals(EXAMPLE_RATE) && !rate.matches("[1-9][0-9]*")) {
          throw new IllegalArgumentException(
              "--bulk-rates takes example or a positive number of packets/s, not " + rate);
        }
      }
    }
  }

  private LocalBench() {}

  public static void main(String[] args) throws Exception {
    Options options =
        Options.of(CommandLines.parseOrExit(new Arguments(), args, Arguments::validate), args);
    ExampleSystem.unpackaged(options.repository())
        .ifPresent(
            module -> {
              System.err.println(
                  "make bench: " + module + " is not packaged; run make build first");
              System.exit(1);
            });
    String loadAverage = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    Instant began = Instant.now();
    ExampleSystem example =
        ExampleSystem.start(options.repository(), options.state(), "make bench", LocalBench::say);
    try (LocalSystem system = example.system()) {
      int proxyPort = example.proxyPort();
      double readySeconds = example.readySeconds();
      say(String.format(Locale.ROOT, "  Ready in %.0f s", readySeconds));

      BenchedCluster cluster = new BenchedCluster(system, NAMESPACE, CLUSTER);
      FlowLoad load = new FlowLoad(proxyPort, "echo.fog");
      List<RunFigures> runs = new ArrayList<>();
      for (String transport : options.transports()) {
        int weight = transport.equals("mixnet") ? 100 : 0;
        say("canary weight " + weight + ": every new flow on the " + transport);
        cluster.applyWeight(weight, Duration.ofMinutes(1));
        for (int flows : options.flows()) {
          say(
              String.format(
                  Locale.ROOT,
                  "  %s, %d flows: %d s warm-up, %d s measured",
                  transport,
                  flows,
                  options.warmup(),
                  options.seconds()));
          load.run(flows, options.flowRequests(), Duration.ofSeconds(options.warmup()));
          RunFigures run =
              RunFigures.measure(
                  cluster,
                  load,
                  transport,
                  flows,
                  options.flowRequests(),
                  Duration.ofSeconds(options.seconds()));
          runs.add(run);
          say(
              String.format(
                  Locale.ROOT,
                  "    %.1f requests/s, p50 / p95 %s ms, %d failed; busiest mixnode %.0f packets/s",
                  run.load().answeredPerSecond(),
                  run.load().allAnswered().p50p95(),
                  run.load().failed(),
                  run.mixnodePacketsPerSecondMax()));
        }
      }
      List<BulkRuns.Figures> bulk = new ArrayList<>();
      if (options.bulkSeconds() > 0) {
        int socksPort =
            system.exposeSocks(NAMESPACE, CLUSTER, new InetSocketAddress("127.0.0.1", 0));
        BulkRuns bulkRuns =
            new BulkRuns(
                cluster, socksPort, Duration.ofSeconds(options.bulkSeconds()), LocalBench::say);
        if (options.transports().contains("fallback")) {
          bulk.addAll(bulkRuns.fallback(options.bulkStreams()));
        }
        if (options.transports().contains("mixnet")) {
          bulk.addAll(
              bulkRuns.mixnet(options.bulkDelays(), options.bulkRates(), options.bulkStreams()));
        }
      }
      LargePosts.Figures posts = null;
      if (options.posts() > 0 && options.transports().contains("mixnet")) {
        cluster.applyWeight(100, Duration.ofMinutes(1));
        posts = LargePosts.run(proxyPort, options.postBytes(), options.posts());
        say("  " + posts.line());
      }
      String report =
          BenchReport.markdown(
              setup(system, options, began, loadAverage, readySeconds), runs, bulk, posts);
      System.out.println();
      System.out.println(report);
      if (!options.report().equals("-")) {
        Path file = Path.of(options.report());
        BenchReport.writeInto(file, report);
        say("written into " + file);
      }
    }
    System.exit(0);
  }

  private static String setup(
      LocalSystem system, Options options, Instant began, String loadAverage, double readySeconds)
      throws java.io.IOException {
    Map<String, Object> spec = spec(system.mixnetCluster(NAMESPACE, CLUSTER));
    Map<?, ?> mixnodes = (Map<?, ?>) spec.get("mixnodes");
    Map<?, ?> routers = (Map<?, ?>) spec.get("routers");
    String cpu =
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim())
            .findFirst()
            .orElse("unknown CPU");
    return String.format(
        Locale.ROOT,
        """
        Measured %s on %d cores (%s; load average %s at the start) by `make bench%s`: \
        the example cluster (%s layers × %s mixnodes, %s router, per-hop mean delay %s, \
        cover traffic %s) on the local system, Ready %.0f s after start. Each run holds the \
        given number of flows open at once, each flow %d GETs of echo.fog one after the other \
        on one proxy connection, for %d s after a %d s warm-up; fallback runs at canary weight \
        0, mixnet runs at weight 100. Every process (mixnodes, router, operator, embedded API \
        and runtime, echo backend, this load generator) shares the machine.""",
        began.truncatedTo(ChronoUnit.MINUTES),
        Runtime.getRuntime().availableProcessors(),
        cpu,
        loadAverage,
        options.commandLine(),
        mixnodes.get("layers"),
        mixnodes.get("nodesPerLayer"),
        routers.get("replicas"),
        mixnodes.get("meanDelay"),
        cover(spec, system.mixnetCluster(NAMESPACE, CLUSTER)),
        readySeconds,
        options.flowRequests(),
        options.seconds(),
        options.warmup());
  }

  /** The cover traffic as set: fixed at a rate, or adaptive with the rate in force at the end. */
  private static String cover(Map<String, Object> spec, GenericKubernetesResource cluster) {
    if (!(spec.get("coverTraffic") instanceof Map<?, ?> cover)) {
      return "off";
    }
    if (!"adaptive".equals(cover.get("mode"))) {
      return cover.get("rate") + "/s";
    }
    Object inForce = "?";
    if (cluster.getAdditionalProperties().get("status") instanceof Map<?, ?> status
        && status.get("anonymity") instanceof Map<?, ?> anonymity
        && anonymity.get("cover") instanceof Map<?, ?> published) {
      inForce = published.get("ratePerSecond");
    }
    return "adaptive (target "
        + cover.get("targetEntropyBits")
        + " bits, at most "
        + cover.get("maxRate")
        + "/s per node; "
        + inForce
        + "/s at the end)";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource cluster) {
    return (Map<String, Object>) cluster.getAdditionalProperties().get("spec");
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
