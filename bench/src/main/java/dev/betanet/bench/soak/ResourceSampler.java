package dev.betanet.bench.soak;

import dev.betanet.local.LocalSystem;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * Reads, for every process of the local system, resident memory ({@code VmRSS}), threads ({@code
 * Threads}) from {@code /proc/<pid>/status} and open file descriptors (entries of {@code
 * /proc/<pid>/fd}): each pod's container process, and this JVM, which holds the embedded API, the
 * local runtime and the proxy forwarder. A pod's process after a restart is a new pid: the samples
 * keep the pid, so each incarnation is judged on its own. Less often, the live heap of each (a full
 * collection in it first, {@link LiveHeap}).
 */
final class ResourceSampler {

  /** This JVM's name in the samples. */
  static final String SELF = "api+runtime";

  /** One reading of one process. */
  /**
   * One reading of one process.
   *
   * @param heapResidentMiB the part of {@code rssMiB} that is Java heap (NaN until the heap's
   *     address range is known): the heap's pages become resident as the collector first uses them,
   *     up to its maximum, which is growth but not a leak
   */
  record Sample(
      long atMillis,
      String process,
      long pid,
      double rssMiB,
      int fds,
      int threads,
      double heapResidentMiB) {

    Sample(long atMillis, String process, long pid, double rssMiB, int fds, int threads) {
      this(atMillis, process, pid, rssMiB, fds, threads, Double.NaN);
    }

    /** Resident memory outside the Java heap, NaN when the heap's share is not known. */
    double outsideHeapMiB() {
      return rssMiB - heapResidentMiB;
    }
  }

  /** One reading of one process's live heap. */
  record HeapSample(long atMillis, String process, long pid, double liveMiB) {}

  private final LocalSystem system;
  private final List<String> namespaces;
  private final LongSupplier clockMillis;
  private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<HeapSample> heaps = new ConcurrentLinkedQueue<>();
  private final LiveHeap liveHeap = new LiveHeap();
  private final HeapGrowth growth;
  private final Map<Long, long[]> heapRanges = new ConcurrentHashMap<>();

  /**
   * @param warmupMillis live-heap histograms before this are not kept for {@link #heapGrowth}
   */
  ResourceSampler(
      LocalSystem system, List<String> namespaces, LongSupplier clockMillis, long warmupMillis) {
    this.system = system;
    this.namespaces = namespaces;
    this.clockMillis = clockMillis;
    this.growth = new HeapGrowth(warmupMillis);
  }

  /** One reading of every process now; a process that ends while it is read is skipped. */
  void sampleAll() {
    long now = clockMillis.getAsLong();
    processes().forEach(p -> read(now, p.getKey(), p.getValue()));
  }

  /** The live heap of every process now: one full collection in each. */
  void sampleLiveHeaps() {
    for (Map.Entry<String, Long> p : processes()) {
      Optional<LiveHeap.Reading> reading = liveHeap.read(p.getValue());
      long now = clockMillis.getAsLong();
      if (reading.isEmpty()) {
        continue; // ended meanwhile
      }
      heaps.add(new HeapSample(now, p.getKey(), p.getValue(), reading.get().totalMiB()));
      growth.record(p.getKey(), p.getValue(), now, reading.get());
      if (!heapRanges.containsKey(p.getValue())) {
        liveHeap.heapRange(p.getValue()).ifPresent(r -> heapRanges.put(p.getValue(), r));
      }
    }
  }

  /** What grew in the live heaps since warm-up, by class (see {@link HeapGrowth}). */
  HeapGrowth heapGrowth() {
    return growth;
  }

  /** This JVM and every pod's live container process, by name and pid. */
  private List<Map.Entry<String, Long>> processes() {
    List<Map.Entry<String, Long>> result = new ArrayList<>();
    result.add(Map.entry(SELF, ProcessHandle.current().pid()));
    for (String namespace : namespaces) {
      for (Pod pod : system.client().pods().inNamespace(namespace).list().getItems()) {
        String name = pod.getMetadata().getName();
        for (Container container : pod.getSpec().getContainers()) {
          Optional<ProcessHandle> process =
              system.runtime().process(namespace, name, container.getName());
          if (process.isPresent() && process.get().isAlive()) {
            result.add(Map.entry(name, process.get().pid()));
          }
        }
      }
    }
    return result;
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
      double heap = Double.NaN;
      long[] range = heapRanges.get(pid);
      if (range != null) {
        String smaps = Files.readString(proc.resolve("smaps"));
        heap = LiveHeap.residentKiBWithin(smaps, range[0], range[1]) / 1024.0;
      }
      if (!Double.isNaN(rss) && threads >= 0) {
        samples.add(new Sample(now, process, pid, rss, fds, threads, heap));
      }
    } catch (IOException | RuntimeException e) {
      // the process ended between listing and reading: its next incarnation is read next time
    }
  }

  List<Sample> samples() {
    return new ArrayList<>(samples);
  }

  List<HeapSample> heapSamples() {
    return new ArrayList<>(heaps);
  }
}
