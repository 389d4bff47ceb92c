package dev.betanet.bench.interleave;

import dev.betanet.bench.common.CommandLines;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * OpenSSL X25519 agreements per CPU-second of two or more builds of the protocol module, in one
 * JVM, in alternating one-second rounds on one thread. The shared 2-vCPU machine drifts by ±10 %
 * within minutes, more than a small change is worth, so runs of two builds one after the other
 * cannot tell them apart; rounds that alternate every second see the same drift.
 *
 * <p>Each build is loaded from its own class path entry (a {@code protocol/target/classes}
 * directory or a protocol jar) in its own class loader. Every round feeds the same 1,024 random
 * peer keys in turn, as a mixnode sees a new one per packet.
 */
public final class InterleavedX25519 {

  private static final String CLASS = "dev.betanet.protocol.crypto.openssl.OpenSslX25519";
  private static final int PEERS = 1024;

  @Command(name = "interleaved-x25519", mixinStandardHelpOptions = true)
  static final class Options {
    @Parameters(
        arity = "2..*",
        paramLabel = "BUILD",
        description =
            "A protocol build: its target/classes directory or its jar; the first is the baseline")
    List<Path> builds;

    @Option(
        names = "--rounds",
        paramLabel = "N",
        description = "Measured rounds per build (default 12)")
    int rounds = 12;

    @Option(
        names = "--warmup",
        paramLabel = "N",
        description = "Unmeasured rounds first (default 2)")
    int warmup = 2;

    void validate() {
      for (Path build : builds) {
        if (!Files.exists(build)) {
          throw new IllegalArgumentException("no such build: " + build);
        }
      }
      if (rounds < 1 || warmup < 0) {
        throw new IllegalArgumentException("--rounds must be at least 1 and --warmup at least 0");
      }
    }
  }

  private InterleavedX25519() {}

  public static void main(String[] args) throws Throwable {
    Options options = CommandLines.parseOrExit(new Options(), args, Options::validate);
    int n = options.builds.size();
    MethodHandle[] agree = new MethodHandle[n];
    for (int i = 0; i < n; i++) {
      agree[i] = agreement(options.builds.get(i));
    }
    var random = new SecureRandom();
    byte[] scalar = new byte[32];
    random.nextBytes(scalar);
    byte[][] peers = new byte[PEERS][32];
    for (byte[] peer : peers) {
      random.nextBytes(peer);
    }
    byte[] out = new byte[32];
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    double[] sum = new double[n];
    double[] min = new double[n];
    double[] max = new double[n];
    java.util.Arrays.fill(min, Double.MAX_VALUE);
    for (int round = 0; round < options.warmup + options.rounds; round++) {
      for (int i = 0; i < n; i++) {
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        int done = 0;
        while (System.nanoTime() - start < 1_000_000_000L) {
          boolean agreed = (boolean) agree[i].invokeExact(scalar, peers[done % PEERS], out);
          if (!agreed) {
            throw new IllegalStateException("a random peer key was of low order: rerun");
          }
          done++;
        }
        double perCpuSecond = done / ((threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
        if (round >= options.warmup) {
          sum[i] += perCpuSecond;
          min[i] = Math.min(min[i], perCpuSecond);
          max[i] = Math.max(max[i], perCpuSecond);
        }
      }
    }
    System.out.println("| build | X25519 agreements per CPU-s, mean (min–max) | ÷ the first |");
    System.out.println("|---|---|---|");
    for (int i = 0; i < n; i++) {
      System.out.printf(
          "| %s | %,.0f (%,.0f–%,.0f) | %.3f |%n",
          options.builds.get(i), sum[i] / options.rounds, min[i], max[i], sum[i] / sum[0]);
    }
  }

  /**
   * {@code (byte[], byte[], byte[]) -> boolean}: that build's {@code agree}, bound to a loaded
   * instance.
   */
  private static MethodHandle agreement(Path build) throws Throwable {
    // The platform loader as parent: the build's classes, not the bench jar's copy, are loaded.
    var loader =
        new URLClassLoader(new URL[] {build.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    Class<?> type = loader.loadClass(CLASS);
    Object instance = type.getMethod("loadOrThrow").invoke(null);
    return MethodHandles.publicLookup()
        .findVirtual(
            type,
            "agree",
            MethodType.methodType(boolean.class, byte[].class, byte[].class, byte[].class))
        .bindTo(instance)
        .asType(MethodType.methodType(boolean.class, byte[].class, byte[].class, byte[].class));
  }
}
