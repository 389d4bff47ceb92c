package dev.betanet.bench.mixnode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Puts the mixnode and the harness on separate cores with util-linux's {@code taskset}, so the
 * node's packets per CPU-second are not mixed with the load generator's cache and scheduler traffic
 * on the same core. The node gets the last core, the harness the others (on the 2-core reference
 * machine: node on CPU 1, harness on CPU 0).
 *
 * <p>The harness pins every thread it has ({@code taskset -a -p}); threads started later inherit
 * the affinity of the thread that starts them. The bound is measured with the harness unpinned
 * ({@link #releaseHarness}) so that it still runs one thread per core, and on the node's core alone
 * ({@link #pinHarnessToNodeCore}) for the figure a pinned node is judged by.
 */
final class CorePinning {

  private final String taskset;
  private final String nodeCpus;
  private final String harnessCpus;
  private final String allCpus;

  private CorePinning(String taskset, int cores) {
    this.taskset = taskset;
    this.nodeCpus = Integer.toString(cores - 1);
    this.harnessCpus = cores == 2 ? "0" : "0-" + (cores - 2);
    this.allCpus = "0-" + (cores - 1);
  }

  /**
   * Pinning for this machine, or null (with the reason on standard output) when it cannot be done:
   * no {@code taskset} on the PATH, or fewer than 2 cores.
   */
  static CorePinning onThisMachine() {
    int cores = Runtime.getRuntime().availableProcessors();
    String taskset = onPath("taskset");
    if (taskset == null) {
      BenchRun.log(
          "PINNING NOT AVAILABLE: taskset is not installed (Debian package util-linux);"
              + " this run is UNPINNED: node and harness share every core");
      return null;
    }
    if (cores < 2) {
      BenchRun.log("PINNING NOT AVAILABLE: %d core; this run is UNPINNED", cores);
      return null;
    }
    return new CorePinning(taskset, cores);
  }

  /** The command prefix that starts the node on its own core. */
  List<String> nodeLauncher() {
    return List.of(taskset, "-c", nodeCpus);
  }

  /** Confines every thread of this JVM to the harness's cores. */
  void pinHarness() throws IOException, InterruptedException {
    setOwnAffinity(harnessCpus);
  }

  /** Confines every thread of this JVM to the node's core (the node idles meanwhile). */
  void pinHarnessToNodeCore() throws IOException, InterruptedException {
    setOwnAffinity(nodeCpus);
  }

  /** Lets this JVM use every core again (for the bound, which runs one thread per core). */
  void releaseHarness() throws IOException, InterruptedException {
    setOwnAffinity(allCpus);
  }

  String describe() {
    return "node on CPU " + nodeCpus + ", harness on CPU " + harnessCpus + " (taskset)";
  }

  private void setOwnAffinity(String cpus) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(taskset, "-a", "-p", "-c", cpus));
    command.add(Long.toString(ProcessHandle.current().pid()));
    // taskset -a lists the JVM's threads, then sets each: a thread that ends in between (a load
    // sender finishing its phase) fails the call with "No such process". Running it again sets
    // the threads alive then; any other failure is an error at once.
    for (int attempt = 1; ; attempt++) {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("taskset did not finish in 10 s: " + String.join(" ", command));
      }
      if (process.exitValue() == 0) {
        return;
      }
      if (attempt == 3 || !output.contains("No such process")) {
        throw new IOException("taskset failed: " + String.join(" ", command) + ": " + output);
      }
    }
  }

  private static String onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
