package dev.betanet.bench.soak;

import dev.betanet.bench.common.CommandLines;
import dev.betanet.local.LocalSystem;
import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.metrics.PrometheusTextParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code make soak}: the local system as {@code make run} starts it, under steady mixed load at
 * canary weight 50 for {@code --minutes}, while {@link Chaos} kills mixnodes, the router and the
 * operator, rotates packet keys and moves the weight. Then it judges ({@link SoakVerdict}), draws
 * ({@link SoakPlot}) and writes the figures into docs/reliability.md; the exit code is 0 only when
 * every assertion held.
 */
public final class SoakMain {

  private static final String NAMESPACE = "default";
  private static final String OPERATOR_NAMESPACE = "betanet-system";
  private static final String CLUSTER = "demo";

  /** Never killed: its memory, descriptors and threads are followed through the whole soak. */
  private static final String WITNESS = CLUSTER + "-mix-1-0-0";

  private static final long SAMPLE_MILLIS = 5_000;

  /** Live heap readings cost a full collection in each process: once a minute. */
  private static final long HEAP_SAMPLE_MILLIS = 60_000;

  /**
   * Growth per minute after warm-up that still counts as flat. RSS 1.5 MiB/min (22 MiB over 15
   * min): the pods' heaps are fixed and touched at start, so RSS grows only outside the heap
   * (metaspace, code cache, thread stacks, direct buffers, malloc), and that much in 15 minutes
   * would take a 384 MiB mixnode past its limit within hours. Live heap 0.5 MiB/min (~9 KiB/s):
   * what is still reachable after a full collection, which also moves with the work in flight
   * (queued packets, pending requests, replay tags of the current keys); an entry of ~100 bytes
   * kept per packet at 100 packets/s, or ~1 KiB kept per request at the soak's ~12 requests/s,
   * crosses it, and it would fill a 192 MiB heap in about 6 hours. Descriptors 0.5/min and threads
   * 0.25/min: 7 and 4 over 15 minutes; one per kill or restart crosses them.
   */
  static final Slopes.Bounds BOUNDS = new Slopes.Bounds(1.5, 0.5, 0.5, 0.25);

  /** The command line, as picocli reads it. */
  @Command(
      name = "make soak",
      mixinStandardHelpOptions = true,
      description = "Chaos soak of the local system; writes docs/reliability.md.")
  static final class Arguments {
    @Option(names = "--minutes", paramLabel = "M", description = "Soak length (default 20)")
    int minutes = 20;

    @Option(names = "--flows", paramLabel = "N", description = "Concurrent flows (default 8)")
    int flows = 8;

    @Option(names = "--mixnode-kill-seconds", paramLabel = "S", description = "Default 6")
    int mixnodeKillSeconds = 6;

    @Option(names = "--rotate-minutes", paramLabel = "M", description = "Default 4")
    double rotateMinutes = 4;

    @Option(names = "--repository", paramLabel = "DIR", description = "Default: .")
    Path repository = Path.of(".");

    @Option(names = "--state", paramLabel = "DIR", description = "Default: .local/soak")
    Path state = Path.of(".local", "soak");

    @Option(
        names = "--report",
        paramLabel = "FILE",
        description = "Markdown file for the figures, - for none (default docs/reliability.md)")
    String report = "docs/reliability.md";

    @Option(names = "--seed", paramLabel = "N", description = "Chaos and load seed (default 19)")
    long seed = 19;

    void validate() {
      if (minutes < 2 || flows < 1 || mixnodeKillSeconds < 1 || rotateMinutes <= 0) {
        throw new IllegalArgumentException(
            "--minutes must be at least 2; --flows, --mixnode-kill-seconds, --rotate-minutes"
                + " positive");
      }
    }
  }

  private SoakMain() {}

  public static void main(String[] args) throws Exception {
    Arguments a = CommandLines.parseOrExit(new Arguments(), args, Arguments::validate);
    for (String module : List.of("mixnode-service", "router-service", "operator")) {
      if (!Files.isRegularFile(
          a.repository.resolve(module).resolve("target/quarkus-app/quarkus-run.jar"))) {
        System.err.println("make soak: " + module + " is not packaged; run make build first");
        System.exit(1);
      }
    }
    Logger.getLogger("").setLevel(Level.WARNING);
    Logger.getLogger("io.fabric8").setLevel(Level.SEVERE);
    deleteTree(a.state.resolve("pods")); // the logs judged are this soak's only
    String loadAverage = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    Instant began = Instant.now();
    say("make soak: starting the local system (as make run does)");
    boolean passed;
    try (LocalSystem system =
        LocalSystem.start(
            new LocalSystem.Options(
                a.repository, a.state, 0, new InetSocketAddress("127.0.0.1", 0)))) {
      system.apply(a.repository.resolve("k8s/examples/echo-backend.yaml"));
      system.apply(a.repository.resolve("k8s/examples/mixnetcluster.yaml"));
      int proxyPort = system.exposeRouter(NAMESPACE, CLUSTER);
      if (!system.awaitReady(NAMESPACE, CLUSTER, Duration.ofMinutes(10), l -> say("  " + l))) {
        throw new IllegalStateException("the cluster was not Ready within 10 minutes");
      }
      passed = soak(system, proxyPort, a, began, loadAverage);
    }
    System.exit(passed ? 0 : 1);
  }

  private static boolean soak(
      LocalSystem system, int proxyPort, Arguments a, Instant began, String loadAverage)
      throws Exception {
    long t0 = System.nanoTime();
    java.util.function.LongSupplier clock = () -> (System.nanoTime() - t0) / 1_000_000;
    Chaos chaos = new Chaos(system, NAMESPACE, CLUSTER, WITNESS, clock, a.seed);
    // Rotations every few minutes need an overlap well under that; the local runtime syncs files
    // within a second, so 30 s is safe here (docs/operations.md, "Key rotation").
    chaos.patch("{\"spec\":{\"keyOverlap\":\"30s\"}}");
    chaos.setWeight(50);
    awaitRouterWeight(system, chaos, 50, Duration.ofMinutes(2));
    long end = a.minutes * 60_000L;
    long warmup = Math.min(5 * 60_000L, end / 4);
    say(
        String.format(
            Locale.ROOT,
            "soak: %d min, %d flows at weight 50, warm-up %.1f min; chaos from now",
            a.minutes,
            a.flows,
            warmup / 60_000.0));

    var sampler =
        new ResourceSampler(system, List.of(NAMESPACE, OPERATOR_NAMESPACE), clock, warmup);
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
    SoakLoad load = new SoakLoad(proxyPort, "echo.fog", clock);
    sampler.sampleAll();
    load.start(a.flows, a.seed);
    schedule(scheduler, 0, SAMPLE_MILLIS, sampler::sampleAll);
    schedule(scheduler, 30_000, HEAP_SAMPLE_MILLIS, sampler::sampleLiveHeaps);
    schedule(scheduler, 10_000, a.mixnodeKillSeconds * 1000L, chaos::killMixnode);
    long routerEvery = end / 3;
    long operatorEvery = (long) (end / 2.5);
    long rotateEvery = (long) Math.min(a.rotateMinutes * 60_000, end / 3.0);
    long weightEvery = Math.max(60_000, end / 4);
    schedule(scheduler, routerEvery, routerEvery, () -> chaos.killRouter(180_000));
    schedule(
        scheduler, operatorEvery / 2, operatorEvery, () -> chaos.killOperator(OPERATOR_NAMESPACE));
    schedule(scheduler, rotateEvery, rotateEvery, chaos::rotateKeys);
    int[] moves = {75, 25};
    int[] move = {0};
    schedule(
        scheduler,
        weightEvery / 2,
        weightEvery,
        () -> {
          chaos.setWeight(moves[move[0]++ % moves.length]);
          scheduler.schedule(() -> quietly(() -> chaos.setWeight(50)), 45, TimeUnit.SECONDS);
        });

    while (clock.getAsLong() < end) {
      Thread.sleep(Math.min(30_000, end - clock.getAsLong()));
      say(progress(clock.getAsLong(), load.outcomes()));
    }
    scheduler.shutdownNow();
    scheduler.awaitTermination(3, TimeUnit.MINUTES);
    load.close();
    long stopped = clock.getAsLong();
    sampler.sampleAll();
    sampler.sampleLiveHeaps();

    var outcomes = load.outcomes();
    var events = chaos.events();
    var samples = sampler.samples();
    var flatness =
        Slopes.of(samples, sampler.heapSamples(), warmup, Math.max(60_000, (end - warmup) / 2));
    var traces = LogScan.scan(a.state.toAbsolutePath().resolve("pods"));
    var verdict =
        new SoakVerdict(
            outcomes,
            events,
            flatness,
            BOUNDS,
            Set.of(ResourceSampler.SELF, WITNESS),
            traces,
            stopped);
    Path plot =
        a.report.equals("-")
            ? a.state.resolve("soak.png")
            : Path.of(a.report).resolveSibling("reliability-soak.png");
    SoakPlot.write(plot, samples, outcomes, events, stopped);
    String report =
        SoakReport.markdown(
                setup(a, began, loadAverage, system),
                verdict,
                outcomes,
                events,
                flatness,
                BOUNDS,
                warmup,
                traces,
                plot.getFileName().toString())
            + sampler.heapGrowth().markdown(List.of(ResourceSampler.SELF, WITNESS), 8);
    System.out.println();
    System.out.println(report);
    if (!a.report.equals("-")) {
      SoakReport.writeInto(Path.of(a.report), report);
      say("written into " + a.report + " and " + plot);
    }
    say(verdict.passed() ? "make soak: passed" : "make soak: FAILED: " + verdict.broken);
    return verdict.passed();
  }

  private interface Action {
    void run() throws Exception;
  }

  /** A repeated chaos action; one that throws is recorded and the schedule goes on. */
  private static void schedule(
      ScheduledExecutorService scheduler, long firstMillis, long everyMillis, Action action) {
    scheduler.scheduleWithFixedDelay(
        () -> quietly(action), firstMillis, everyMillis, TimeUnit.MILLISECONDS);
  }

  private static void quietly(Action action) {
    try {
      action.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      say("soak: chaos action failed (the schedule goes on): " + e);
    }
  }

  private static String progress(long now, List<SoakLoad.Outcome> outcomes) {
    long ok = outcomes.stream().filter(SoakLoad.Outcome::ok).count();
    return String.format(
        Locale.ROOT,
        "  %5.1f min: %d requests, %d answered, %d not",
        now / 60_000.0,
        outcomes.size(),
        ok,
        outcomes.size() - ok);
  }

  /** Waits until the router's gauge shows {@code weight}: it has read the topology with it. */
  private static void awaitRouterWeight(
      LocalSystem system, Chaos chaos, int weight, Duration timeout)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      var ip =
          chaos.clusterPods("router").stream()
              .findFirst()
              .flatMap(p -> system.runtime().podIp(NAMESPACE, p.getMetadata().getName()));
      if (ip.isPresent()) {
        try {
          String page =
              http.send(
                      HttpRequest.newBuilder(URI.create("http://" + ip.get() + ":9000/q/metrics"))
                          .timeout(Duration.ofSeconds(10))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body();
          if (PrometheusTextParser.parse(page).sum(MetricNames.ROUTER_CANARY_WEIGHT.prometheus())
              == weight) {
            return;
          }
        } catch (IOException | PrometheusTextParser.FormatException e) {
          // not answering yet
        }
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the router did not apply canary weight " + weight);
  }

  private static String setup(Arguments a, Instant began, String loadAverage, LocalSystem system)
      throws IOException {
    return String.format(
        Locale.ROOT,
        """
        Measured %s by `make soak SOAK_MINUTES=%d` on %d cores shared with other work (load \
        average %s at the start): the example cluster (3 layers × 2 mixnodes, 1 router hosting \
        echo.fog, per-hop mean delay 50 ms, `fallbackPolicy: fallback`) on the local system, with \
        `keyOverlap: 30s`. Load: %d flows at once, each %d requests on one proxy connection; 40 %% \
        bodiless GETs, 30 %% POSTs of ~0.5 KiB, 20 %% of ~4 KiB, 10 %% of ~32 KiB (random bodies, \
        echoed), each answer compared byte for byte. Canary weight 50, moved to 75 or 25 for 45 s \
        every %.1f min. Chaos: SIGKILL of a random ready mixnode every %d s (never `%s`, the \
        witness, nor a layer's last ready node), of the router every %.1f min and of the operator \
        every %.1f min (the local runtime restarts each after its back-off, as kubelet would); \
        `spec.rotateKeysAt` set every %.1f min.""",
        began.truncatedTo(ChronoUnit.MINUTES),
        a.minutes,
        Runtime.getRuntime().availableProcessors(),
        loadAverage,
        a.flows,
        SoakLoad.FLOW_REQUESTS,
        Math.max(60_000, a.minutes * 60_000L / 4) / 60_000.0,
        a.mixnodeKillSeconds,
        WITNESS,
        a.minutes / 3.0,
        a.minutes / 2.5,
        Math.min(a.rotateMinutes, a.minutes / 3.0));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
