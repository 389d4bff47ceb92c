package dev.betanet.bench.mixnode;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.packet.PacketException;
import dev.betanet.protocol.packet.PacketProcessor;
import dev.betanet.protocol.packet.ProcessResult;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The bound a mixnode is compared with, measured in the harness's own JVM just before the phase
 * that uses it and with the mixnode idle: how many packets one CPU-second can process at one hop
 * (the protocol's whole per-packet work, nothing else), on one thread and on every core at once (a
 * saturated node keeps every core busy, and cores that share caches and memory go slower together),
 * and how many raw X25519 agreements one CPU-second does. All are per CPU-second of the measuring
 * threads (not wall time), each the median of {@value #PASSES} passes, so a busy machine stretches
 * them less.
 *
 * <p>In a pinned run the one-thread passes run on the node's own core ({@link
 * CorePinning#pinHarnessToNodeCore}): the cores of a shared virtual machine need not run at one
 * speed (docs/benchmarks.md shows this one's do not), and a node pinned to one core is compared
 * with what that core does, not with cores it never ran on.
 *
 * <p>The packets timed are the ones the fixed-rate phase will send, so the first pass also learns
 * how the mixnode will transform each one: the sink identifies forwarded packets without crypto.
 */
final class HopBound {

  /**
   * @param hopsPerCpuSecond one-hop packet processing per CPU-second, one thread (on the node's
   *     core when {@code onNodeCore})
   * @param hopsPerCpuSecondAllCores the same with one thread per core running at once
   * @param x25519PerCpuSecond raw X25519 agreements per CPU-second, one thread
   * @param onNodeCore whether the one-thread passes ran on the core a pinned node runs on
   */
  record Bound(
      double hopsPerCpuSecond,
      double hopsPerCpuSecondAllCores,
      double x25519PerCpuSecond,
      boolean onNodeCore) {

    /**
     * What the node's packets per CPU-second are judged against: the node's own core when it is
     * pinned to one, else every core busy at once (as a saturated unpinned node keeps them).
     */
    double judged() {
      return onNodeCore ? hopsPerCpuSecond : hopsPerCpuSecondAllCores;
    }
  }

  /** What one pass over the fixed-rate packets found. */
  record Result(Bound bound, Map<Long, Integer> indexByForwardedKey) {}

  private static final int PASSES = 5;

  /** Packets per timed pass: about half a CPU-second with Bouncy Castle. */
  static final int PASS_PACKETS = 4_000;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private HopBound() {}

  /**
   * Processes every packet of {@code packets} (copies; the originals are sent later) once with the
   * mixnode's key (JIT warm-up, and learning each forwarded key), then times passes over the first
   * {@value #PASS_PACKETS} with fresh replay filters, on one thread and on all cores; then raw
   * X25519. The harness's affinity is left open to every core.
   *
   * @param firstIndex the index the sink uses for {@code packets[0]}
   * @param pinning the run's pinning (the one-thread passes then run on the node's core), or null
   */
  static Result measure(
      BenchNetwork network, X25519 x25519, byte[][] packets, int firstIndex, CorePinning pinning)
      throws Exception {
    InstantSource builtAt = InstantSource.fixed(Instant.now());
    PacketProcessor first = network.mixnodeProcessor(x25519, builtAt);
    Map<Long, Integer> index = HashMap.newHashMap(packets.length);
    for (int i = 0; i < packets.length; i++) {
      index.put(BenchNetwork.forwardedKey(processOnce(first, packets[i])), firstIndex + i);
    }
    byte[][] timed = Arrays.copyOf(packets, Math.min(packets.length, PASS_PACKETS));
    double[] single = new double[PASSES];
    double[] allCores = new double[PASSES];
    int cores = Runtime.getRuntime().availableProcessors();
    ExecutorService pool = Executors.newFixedThreadPool(cores);
    try {
      for (int pass = 0; pass < PASSES; pass++) {
        if (pinning != null) {
          pinning.pinHarnessToNodeCore();
        }
        single[pass] = timedPass(network, x25519, timed, builtAt);
        if (pinning != null) {
          pinning.releaseHarness();
        }
        List<Future<Double>> threads = new ArrayList<>();
        for (int t = 0; t < cores; t++) {
          threads.add(pool.submit(() -> timedPass(network, x25519, timed, builtAt)));
        }
        double cpuSeconds = 0;
        for (Future<Double> thread : threads) {
          cpuSeconds += timed.length / thread.get();
        }
        allCores[pass] = cores * timed.length / cpuSeconds;
      }
    } finally {
      pool.shutdownNow();
    }
    var bound =
        new Bound(
            median(single),
            median(allCores),
            x25519Rate(x25519, network.mixnodeScalar()),
            pinning != null);
    return new Result(bound, index);
  }

  /** Packets per CPU-second of this thread over one pass, timestamps judged at {@code clock}. */
  static double timedPass(
      BenchNetwork network, X25519 x25519, byte[][] packets, InstantSource clock) {
    PacketProcessor processor = network.mixnodeProcessor(x25519, clock);
    long start = THREADS.getCurrentThreadCpuTime();
    for (byte[] packet : packets) {
      processOnce(processor, packet);
    }
    return packets.length / ((THREADS.getCurrentThreadCpuTime() - start) / 1e9);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static double x25519Rate(X25519 x25519, byte[] scalar) {
    var random = new SecureRandom();
    byte[] peer = new byte[X25519.KEY_BYTES];
    byte[] out = new byte[X25519.KEY_BYTES];
    random.nextBytes(peer);
    peer = x25519.publicKey(peer);
    int warm = 2_000;
    int timed = 5_000;
    long cpuStart = 0;
    for (int i = 0; i < warm + timed; i++) {
      if (i == warm) {
        cpuStart = THREADS.getCurrentThreadCpuTime();
      }
      if (!x25519.agree(scalar, peer, out)) {
        throw new IllegalStateException("BUG: X25519 with a random peer key gave zero");
      }
      peer[0] ^= out[0]; // a different peer each time, as packets bring
      peer[31] &= 0x7F;
    }
    return timed / ((THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9);
  }

  private static byte[] processOnce(PacketProcessor processor, byte[] packet) {
    try {
      if (processor.process(packet.clone()) instanceof ProcessResult.Forward forward) {
        return forward.packet();
      }
      throw new IllegalStateException("BUG: a bench packet was not forwarded");
    } catch (PacketException e) {
      throw new IllegalStateException("BUG: a bench packet was refused: " + e.getMessage(), e);
    }
  }
}
