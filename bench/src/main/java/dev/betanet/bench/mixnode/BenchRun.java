package dev.betanet.bench.mixnode;

import dev.betanet.bench.common.ProcessProbe;
import dev.betanet.bench.common.RssSampler;
import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.node.LoopbackPorts;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;

/**
 * One mixnode process with one X25519 implementation, through four phases that never overlap: each
 * waits until every packet of the one before is accounted for and the node's CPU is idle.
 *
 * <ol>
 *   <li>warm-up (closed loop) in chunks until the JIT compiler takes under 3 % of the node's CPU
 *       (or the warm-up budget is spent);
 *   <li>saturation (closed loop): packets/s, packets per CPU-second, cores busy;
 *   <li>the bound, in the harness's own JVM while the node idles ({@link HopBound});
 *   <li>an open loop below saturation (single-packet arrivals over many connections), after an
 *       unmeasured one at the same rate: per-hop latency, shedding, CPU per packet, resident
 *       memory.
 * </ol>
 *
 * The load connections are opened before the first phase and kept to the end, so no phase measures
 * a TLS handshake.
 */
final class BenchRun {

  /** How the harness is configured (see {@link MixnodeBench} for the options). */
  record Settings(
      Path jar,
      int warmupPackets,
      int saturatePackets,
      int rate,
      double rateFraction,
      int rateSeconds,
      int openWarmupSeconds,
      int connections,
      int rateConnections,
      boolean poisson,
      int window,
      List<String> jvmOptions,
      CorePinning pinning) {

    boolean pinned() {
      return pinning != null;
    }
  }

  /** A phase's figures. */
  record Phase(
      long packets,
      double seconds,
      ProcessProbe.Cpu nodeCpu,
      double harnessCpu,
      long arrived,
      long nodeSwitches) {

    /** The node's threads going to sleep per packet: its hand-offs and wake-ups. */
    double switchesPerPacket() {
      return (double) nodeSwitches / Math.max(1, arrived);
    }

    double perSecond() {
      return arrived / seconds;
    }

    double perCpuSecond() {
      return arrived / nodeCpu.total();
    }

    /** As {@link #perCpuSecond()} without the JIT compiler's threads: the steady state. */
    double perCpuSecondWithoutJit() {
      return arrived / (nodeCpu.total() - nodeCpu.jit());
    }

    double cores() {
      return nodeCpu.total() / seconds;
    }

    /** Slices of one phase taken as one: every figure summed. */
    static Phase sum(List<Phase> slices) {
      long packets = 0;
      double seconds = 0;
      double total = 0;
      double jit = 0;
      double harnessCpu = 0;
      long arrived = 0;
      long switches = 0;
      for (Phase slice : slices) {
        packets += slice.packets;
        seconds += slice.seconds;
        total += slice.nodeCpu.total();
        jit += slice.nodeCpu.jit();
        harnessCpu += slice.harnessCpu;
        arrived += slice.arrived;
        switches += slice.nodeSwitches;
      }
      return new Phase(
          packets, seconds, new ProcessProbe.Cpu(total, jit), harnessCpu, arrived, switches);
    }
  }

  /** Everything one implementation's run measured. */
  record Result(
      String x25519,
      HopBound.Bound bound,
      long warmupPackets,
      Phase saturated,
      int rate,
      Phase fixed,
      double[] latenciesMillis,
      double rssMiB,
      double peakRssMiB,
      Map<String, Long> outcomes,
      long unknown,
      InterleavedBound.Judged saturatedJudged,
      InterleavedBound.Judged openJudged) {}

  /**
   * A pinned run's saturated phase is sent in this many slices, the bound measured between them.
   */
  static final int SATURATION_SLICES = 6;

  /** Warm-up is sent in this many chunks, with the JIT's share checked after each. */
  private static final int WARMUP_CHUNKS = 10;

  private final Settings settings;
  private final String x25519;

  BenchRun(Settings settings, String x25519) {
    this.settings = settings;
    this.x25519 = x25519;
  }

  Result run() throws Exception {
    int packetPort = LoopbackPorts.reserve();
    try (var sink = new Sink(BenchNetwork.PACKET_SIZE)) {
      var network = new BenchNetwork(packetPort, sink.port());
      sink.useTls(network.sinkTls());
      try {
        int chunks = WARMUP_CHUNKS;
        int chunk = Math.max(1, settings.warmupPackets() / chunks);
        try (var node =
            new MixnodeProcess(
                settings.jar(),
                network,
                packetPort,
                x25519,
                settings.jvmOptions(),
                settings.pinned() ? settings.pinning().nodeLauncher() : List.of())) {
          node.awaitReady(Duration.ofSeconds(60));
          // Built only now: the node refuses packets stamped before it could vouch for them
          // (docs/mixnode.md, "Restarts and replays"), and it is ready from that point on.
          var supply = new PacketSupply(network, x25519, chunks, chunk, settings.saturatePackets());
          try (var driver =
                  new LoadDriver(node.packetPort, settings.connections(), network.sinkTls());
              var openDriver =
                  new LoadDriver(node.packetPort, settings.rateConnections(), network.sinkTls())) {
            driver.open();
            openDriver.open();
            return measure(network, sink, node, supply, driver, openDriver);
          }
        }
      } finally {
        network.delete();
      }
    }
  }

  private Result measure(
      BenchNetwork network,
      Sink sink,
      MixnodeProcess node,
      PacketSupply supply,
      LoadDriver driver,
      LoadDriver openDriver)
      throws Exception {
    var probe = new ProcessProbe(node.pid());
    var harness = new ProcessProbe(ProcessHandle.current().pid());
    pinHarness();

    // 1. Warm-up, until the JIT has compiled the hot paths (event-loop code runs once per socket
    // read, not per packet, so it reaches the optimising compiler late).
    long warmed = 0;
    for (int i = 0; i < supply.warmupChunks(); i++) {
      byte[][] chunk = supply.warmupChunk(i);
      Phase phase = closedLoop(sink, driver, probe, harness, chunk, 0, chunk.length);
      warmed += chunk.length;
      double jitShare = phase.nodeCpu().jit() / phase.nodeCpu().total();
      log("  warm-up: %,d packets, JIT %.0f %% of the node's CPU", warmed, 100 * jitShare);
      if (jitShare < 0.03) {
        break;
      }
    }
    supply.warmupDone();
    byte[][] packets = supply.saturation();
    awaitIdle(probe);

    // 2. Saturation. Pinned, in slices with a pass of the bound on the node's core before the first
    // and after each, so each slice is judged by what its core did just then.
    log("  saturation: sending %,d packets (node pid %d)", packets.length, node.pid());
    Phase saturated;
    InterleavedBound.Judged saturatedJudged = null;
    InterleavedBound passes = null;
    if (settings.pinned()) {
      passes = new InterleavedBound(network, X25519.named(x25519), packets, settings.pinning());
      List<Phase> slices = new ArrayList<>();
      double[] passRates = new double[SATURATION_SLICES + 1];
      passRates[0] = passes.pass();
      for (int i = 0; i < SATURATION_SLICES; i++) {
        int from = (int) ((long) packets.length * i / SATURATION_SLICES);
        int to = (int) ((long) packets.length * (i + 1) / SATURATION_SLICES);
        slices.add(closedLoop(sink, driver, probe, harness, packets, from, to));
        awaitIdle(probe);
        passRates[i + 1] = passes.pass();
      }
      saturated = Phase.sum(slices);
      saturatedJudged =
          new InterleavedBound.Judged(
              slices.stream().mapToDouble(Phase::perCpuSecond).toArray(), passRates);
    } else {
      saturated = closedLoop(sink, driver, probe, harness, packets, 0, packets.length);
    }
    log(
        "  saturated: %,d of %,d packets in %.2f s, node CPU %.2f s (JIT %.2f s)",
        saturated.arrived(),
        saturated.packets(),
        saturated.seconds(),
        saturated.nodeCpu().total(),
        saturated.nodeCpu().jit());
    awaitIdle(probe);

    // 3. The bound, and the fixed-rate packets it is measured on.
    int rate =
        settings.rate() > 0
            ? settings.rate()
            : Math.max(500, (int) (saturated.perSecond() * settings.rateFraction() / 500) * 500);
    // The measured packets last: they are the ones that must still be fresh when they are sent.
    byte[][] openWarmupPackets =
        PacketSupply.build(network, x25519, rate * settings.openWarmupSeconds());
    byte[][] fixedPackets = PacketSupply.build(network, x25519, rate * settings.rateSeconds());
    if (settings.pinned()) {
      settings.pinning().releaseHarness(); // one bound thread per core, as before
    }
    HopBound.Result bound =
        HopBound.measure(network, X25519.named(x25519), fixedPackets, 0, settings.pinning());
    pinHarness();
    log(
        "  bound in-process: one hop %,.0f packets per CPU-s, X25519 %,.0f per CPU-s",
        bound.bound().hopsPerCpuSecond(), bound.bound().x25519PerCpuSecond());
    awaitIdle(probe);

    // 4a. Open-loop warm-up, unmeasured: single packets run code a closed loop rarely reaches
    // (a socket read with one packet in it, a write per packet), and without it the JIT compiled
    // that code during the measured open loop, at 10 % of the node's CPU there.
    if (openWarmupPackets.length > 0) {
      Phase warm =
          openLoop(
              sink,
              openDriver,
              probe,
              harness,
              openWarmupPackets,
              schedule(openWarmupPackets.length, rate),
              new long[openWarmupPackets.length]);
      log(
          "  open-loop warm-up: %,d packets, JIT %.0f %% of the node's CPU",
          warm.packets(), 100 * warm.nodeCpu().jit() / warm.nodeCpu().total());
      awaitIdle(probe);
    }

    // 4. Fixed rate.
    long[] fixedOffsets = schedule(fixedPackets.length, rate);
    long[] sentNanos = new long[fixedPackets.length];
    long[] arrivedNanos = new long[fixedPackets.length];
    sink.identify(bound.indexByForwardedKey(), arrivedNanos);
    double passBefore = passes != null ? passes.pass() : Double.NaN;
    var rss = new RssSampler(probe);
    Phase fixed;
    long[] harnessGcBefore = harnessCollections();
    TreeMap<Double, Double> waitsBefore = node.backlogWaitBuckets();
    try (rss) {
      fixed = openLoop(sink, openDriver, probe, harness, fixedPackets, fixedOffsets, sentNanos);
    }
    long[] harnessGcAfter = harnessCollections();
    TreeMap<Double, Double> waitsAfter = node.backlogWaitBuckets();
    InterleavedBound.Judged openJudged = null;
    if (passes != null) {
      awaitIdle(probe);
      openJudged =
          new InterleavedBound.Judged(
              new double[] {fixed.perCpuSecond()}, new double[] {passBefore, passes.pass()});
    }
    sink.countOnly();
    log(
        "  fixed rate %,d/s: %,d of %,d packets in %.2f s, node CPU %.2f s",
        rate, fixed.arrived(), fixed.packets(), fixed.seconds(), fixed.nodeCpu().total());
    log(
        "  open-loop latency by half second sent, p50 / p99 / max ms: %s",
        latencyTimeline(sentNanos, arrivedNanos));
    log(
        "  node backlog wait in the open loop (socket read to processing, bucket upper bounds):"
            + " p50 <= %s ms, p99 <= %s ms",
        bucketBoundMillis(waitsBefore, waitsAfter, 0.50),
        bucketBoundMillis(waitsBefore, waitsAfter, 0.99));
    log(
        "  harness collection pauses during the open loop: %d, %d ms in all",
        harnessGcAfter[0] - harnessGcBefore[0], harnessGcAfter[1] - harnessGcBefore[1]);
    log(
        "  open-loop sender behind its schedule by half second, p50 / p99 / max ms: %s",
        latencyTimeline(scheduledNanos(sentNanos, fixedOffsets), sentNanos));
    Map<String, Long> outcomes = new TreeMap<>(node.packetCounts());
    outcomes.values().removeIf(count -> count == 0);
    log("  node outcomes: %s", outcomes);
    if (settings.pinned()) {
      settings.pinning().releaseHarness(); // the next implementation's packets build on every core
    }
    return new Result(
        x25519,
        bound.bound(),
        warmed,
        saturated,
        rate,
        fixed,
        latenciesMillis(sentNanos, arrivedNanos),
        rss.maxMiB(),
        probe.peakRssMiB(),
        outcomes,
        sink.unknown(),
        saturatedJudged,
        openJudged);
  }

  private Phase closedLoop(
      Sink sink,
      LoadDriver driver,
      ProcessProbe probe,
      ProcessProbe harness,
      byte[][] packets,
      int from,
      int to)
      throws Exception {
    var window = new Semaphore(settings.window());
    sink.window(window);
    try {
      return phase(
          sink, probe, harness, to - from, () -> driver.saturate(packets, from, to, window));
    } finally {
      sink.window(null);
    }
  }

  /**
   * The upper bound, in ms, of the histogram bucket holding quantile {@code q} of what was recorded
   * between two scrapes of cumulative bucket counts.
   */
  static String bucketBoundMillis(
      TreeMap<Double, Double> before, TreeMap<Double, Double> after, double q) {
    double total = after.lastEntry().getValue() - before.lastEntry().getValue();
    if (total <= 0) {
      return "n/a (nothing recorded)";
    }
    for (var bucket : after.entrySet()) {
      double count = bucket.getValue() - before.getOrDefault(bucket.getKey(), 0.0);
      if (count >= q * total) {
        return String.format(Locale.ROOT, "%.3f", bucket.getKey() * 1000);
      }
    }
    return "inf";
  }

  /** The harness JVM's collections so far and their time in ms: its pauses stop sender and sink. */
  private static long[] harnessCollections() {
    long count = 0;
    long millis = 0;
    for (var collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector.getName().contains("Concurrent")) {
        continue; // G1's concurrent cycles run beside the threads; only pauses stop them
      }
      count += Math.max(0, collector.getCollectionCount());
      millis += Math.max(0, collector.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  private long[] schedule(int packets, int rate) {
    return LoadDriver.schedule(packets, rate, settings.poisson(), 15L);
  }

  /** When each packet was due, on the clock of {@code sentNanos}: the first went out on time. */
  private static long[] scheduledNanos(long[] sentNanos, long[] offsets) {
    long[] due = new long[sentNanos.length];
    for (int i = 0; i < due.length; i++) {
      due[i] = sentNanos[i] == 0 ? 0 : sentNanos[0] + offsets[i] - offsets[0];
    }
    return due;
  }

  /** Sends {@code packets}, packet {@code i} at {@code offsetNanos[i]} from the phase's start. */
  private Phase openLoop(
      Sink sink,
      LoadDriver driver,
      ProcessProbe probe,
      ProcessProbe harness,
      byte[][] packets,
      long[] offsetNanos,
      long[] sentNanos)
      throws Exception {
    return phase(
        sink,
        probe,
        harness,
        packets.length,
        () -> driver.openLoop(packets, 0, packets.length, offsetNanos, sentNanos));
  }

  private void pinHarness() throws Exception {
    if (settings.pinned()) {
      settings.pinning().pinHarness();
    }
  }

  private interface Send {
    void run() throws Exception;
  }

  /**
   * Runs {@code send}, waits until its packets arrived (or arrivals stop for 3 s: the rest were
   * dropped), and measures from the start to the last arrival.
   */
  private static Phase phase(
      Sink sink, ProcessProbe probe, ProcessProbe harness, long packets, Send send)
      throws Exception {
    long arrivedBefore = sink.received();
    ProcessProbe.Cpu nodeBefore = probe.cpu();
    long switchesBefore = probe.voluntarySwitches();
    double harnessBefore = harness.cpuSeconds();
    long start = System.nanoTime();
    send.run();
    long target = arrivedBefore + packets;
    long lastCount = -1;
    long lastProgress = System.nanoTime();
    while (sink.received() < target && System.nanoTime() - lastProgress < 3_000_000_000L) {
      long now = sink.received();
      if (now != lastCount) {
        lastCount = now;
        lastProgress = System.nanoTime();
      }
      Thread.sleep(2);
    }
    ProcessProbe.Cpu node = probe.cpu().minus(nodeBefore);
    long switches = probe.voluntarySwitches() - switchesBefore;
    double harnessCpu = harness.cpuSeconds() - harnessBefore;
    double seconds = (sink.lastArrivalNanos() - start) / 1e9;
    return new Phase(packets, seconds, node, harnessCpu, sink.received() - arrivedBefore, switches);
  }

  /** Waits (at most 20 s) until the node uses under 5 % of a core, so phases do not overlap. */
  private static void awaitIdle(ProcessProbe probe) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    double before = probe.cpuSeconds();
    while (System.nanoTime() < deadline) {
      Thread.sleep(500);
      double now = probe.cpuSeconds();
      if (now - before < 0.025) {
        return;
      }
      before = now;
    }
    log("  (the node did not go idle within 20 s)");
  }

  /**
   * Per-hop latency by the half second a packet was sent in: whether a tail is a stall (one slice)
   * or a queue that grows with load (every slice).
   */
  private static String latencyTimeline(long[] sent, long[] arrived) {
    long first = Long.MAX_VALUE;
    for (long s : sent) {
      if (s != 0) {
        first = Math.min(first, s);
      }
    }
    Map<Integer, List<Double>> slices = new TreeMap<>();
    for (int i = 0; i < sent.length; i++) {
      if (sent[i] != 0 && arrived[i] != 0) {
        slices
            .computeIfAbsent((int) ((sent[i] - first) / 500_000_000L), k -> new ArrayList<>())
            .add((arrived[i] - sent[i]) / 1e6);
      }
    }
    List<String> parts = new ArrayList<>();
    for (List<Double> slice : slices.values()) {
      double[] sorted = slice.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      parts.add(
          String.format(
              Locale.ROOT,
              "%.2f/%.1f/%.1f",
              MixnodeBench.percentile(sorted, 0.50),
              MixnodeBench.percentile(sorted, 0.99),
              sorted[sorted.length - 1]));
    }
    return String.join("  ", parts);
  }

  private static double[] latenciesMillis(long[] sent, long[] arrived) {
    double[] latencies = new double[sent.length];
    int n = 0;
    for (int i = 0; i < sent.length; i++) {
      if (arrived[i] != 0 && sent[i] != 0) {
        latencies[n++] = (arrived[i] - sent[i]) / 1e6;
      }
    }
    double[] result = Arrays.copyOf(latencies, n);
    Arrays.sort(result);
    return result;
  }

  static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, format + "%n", args);
  }
}
