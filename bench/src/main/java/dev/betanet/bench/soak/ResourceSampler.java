package dev.betanet.bench.soak;

import dev.betanet.local.LocalSystem;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * Reads, for every process of the local system, resident memory ({@code VmRSS}), threads ({@code
 * Threads}) from {@code /proc/<pid>/status} and open file descriptors (entries of {@code
 * /proc/<pid>/fd}): each pod's container process, and this JVM, which holds the embedded API, the
 * local runtime and the proxy forwarder. A pod's process after a restart is a new pid: the samples
 * keep the pid, so each incarnation is judged on its own.
 */
final class ResourceSampler {

  /** This JVM's name in the samples. */
  static final String SELF = "api+runtime";

  /** One reading of one process. */
  record Sample(long atMillis, String process, long pid, double rssMiB, int fds, int threads) {}

  private final LocalSystem system;
  private final List<String> namespaces;
  private final LongSupplier clockMillis;
  private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();

  ResourceSampler(LocalSystem system, List<String> namespaces, LongSupplier clockMillis) {
    this.system = system;
    this.namespaces = namespaces;
    this.clockMillis = clockMillis;
  }

  /** One reading of every process now; a process that ends while it is read is skipped. */
  void sampleAll() {
    long now = clockMillis.getAsLong();
    read(now, SELF, ProcessHandle.current().pid());
    for (String namespace : namespaces) {
      for (Pod pod : system.client().pods().inNamespace(namespace).list().getItems()) {
        String name = pod.getMetadata().getName();
        for (Container container : pod.getSpec().getContainers()) {
          Optional<ProcessHandle> process =
              system.runtime().process(namespace, name, container.getName());
          if (process.isPresent() && process.get().isAlive()) {
            read(now, name, process.get().pid());
          }
        }
      }
    }
  }

  private void read(long now, String process, long pid) {
    try {
      Path proc = Path.of("/proc", Long.toString(pid));
      double rss = Double.NaN;
      int threads = -1;
      for (String line : Files.readAllLines(proc.resolve("status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]) / 1024.0;
        } else if (line.startsWith("Threads:")) {
          threads = Integer.parseInt(line.substring(8).trim());
        }
      }
      int fds;
      try (var listing = Files.list(proc.resolve("fd"))) {
        fds = (int) listing.count();
      }
      if (!Double.isNaN(rss) && threads >= 0) {
        samples.add(new Sample(now, process, pid, rss, fds, threads));
      }
    } catch (IOException | RuntimeException e) {
      // the process ended between listing and reading: its next incarnation is read next time
    }
  }

  List<Sample> samples() {
    return new ArrayList<>(samples);
  }
}
