package dev.betanet.bench.soak;

import dev.betanet.bench.soak.ResourceSampler.HeapSample;
import dev.betanet.bench.soak.ResourceSampler.Sample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Whether resident memory, live heap, file descriptors and threads stay flat: for every process
 * incarnation (pod and pid) that lived long enough, the least-squares slope of each over its
 * samples after its warm-up, per minute, against a stated bound. A judged incarnation without
 * live-heap readings is not flat: a figure that is missing proves nothing. An incarnation whose
 * samples after warm-up span less than {@code minSpanMillis} is listed but not judged (a mixnode
 * killed after a minute says nothing about a leak).
 *
 * <p>Resident memory is judged outside the Java heap when the heap's share is known for every
 * sample after warm-up: the heap's pages become resident as the collector first uses them, up to
 * the heap's maximum (the images do not pre-touch it), which is growth but not a leak, and a leak
 * in the heap shows in the live heap. What is left, outside the heap, is where a native leak
 * (direct buffers, threads, metaspace) grows.
 */
final class Slopes {

  /** Largest growth per minute after warm-up that still counts as flat. */
  record Bounds(
      double rssMiBPerMinute,
      double liveHeapMiBPerMinute,
      double fdsPerMinute,
      double threadsPerMinute) {}

  /** One incarnation's figures; {@code judged} false when it lived too short after warm-up. */
  record Flatness(
      String process,
      long pid,
      long firstMillis,
      long lastMillis,
      int samples,
      boolean judged,
      double rssMiBPerMinute,
      double fdsPerMinute,
      double threadsPerMinute,
      double rssMaxMiB,
      int fdsMax,
      int threadsMax,
      double liveHeapMiBPerMinute,
      double liveHeapMaxMiB,
      double outsideHeapMiBPerMinute) {

    /** The resident-memory slope judged: outside the heap when known, else all of it. */
    double judgedRssMiBPerMinute() {
      return Double.isNaN(outsideHeapMiBPerMinute) ? rssMiBPerMinute : outsideHeapMiBPerMinute;
    }

    boolean within(Bounds bounds) {
      return !judged
          || (judgedRssMiBPerMinute() <= bounds.rssMiBPerMinute()
              && liveHeapMiBPerMinute <= bounds.liveHeapMiBPerMinute() // false when NaN
              && fdsPerMinute <= bounds.fdsPerMinute()
              && threadsPerMinute <= bounds.threadsPerMinute());
    }
  }

  private Slopes() {}

  static List<Flatness> of(
      List<Sample> samples, List<HeapSample> heaps, long warmupMillis, long minSpanMillis) {
    Map<String, List<Sample>> byIncarnation = new LinkedHashMap<>();
    for (Sample s : samples) {
      byIncarnation.computeIfAbsent(s.process() + "#" + s.pid(), k -> new ArrayList<>()).add(s);
    }
    List<Flatness> result = new ArrayList<>();
    for (List<Sample> run : byIncarnation.values()) {
      long born = run.getFirst().atMillis();
      // A process already running when sampling began (this JVM, the first incarnations) is
      // warm from the soak's own warm-up on; a restarted one from its own first sample on.
      long warmUntil = Math.max(born + warmupMillis, warmupMillis);
      List<Sample> warm = run.stream().filter(s -> s.atMillis() >= warmUntil).toList();
      long span = warm.isEmpty() ? 0 : warm.getLast().atMillis() - warm.getFirst().atMillis();
      boolean judged = span >= minSpanMillis && warm.size() >= 3;
      long pid = run.getFirst().pid();
      String process = run.getFirst().process();
      List<HeapSample> heap =
          heaps.stream().filter(h -> h.pid() == pid && h.process().equals(process)).toList();
      List<HeapSample> warmHeap = heap.stream().filter(h -> h.atMillis() >= warmUntil).toList();
      result.add(
          new Flatness(
              run.getFirst().process(),
              run.getFirst().pid(),
              run.getFirst().atMillis(),
              run.getLast().atMillis(),
              run.size(),
              judged,
              judged ? perMinute(warm, Sample::rssMiB) : Double.NaN,
              judged ? perMinute(warm, s -> s.fds()) : Double.NaN,
              judged ? perMinute(warm, s -> s.threads()) : Double.NaN,
              run.stream().mapToDouble(Sample::rssMiB).max().orElse(0),
              run.stream().mapToInt(Sample::fds).max().orElse(0),
              run.stream().mapToInt(Sample::threads).max().orElse(0),
              judged && warmHeap.size() >= 3 ? heapPerMinute(warmHeap) : Double.NaN,
              heap.stream().mapToDouble(HeapSample::liveMiB).max().orElse(Double.NaN),
              judged && warm.stream().noneMatch(s -> Double.isNaN(s.heapResidentMiB()))
                  ? perMinute(warm, Sample::outsideHeapMiB)
                  : Double.NaN));
    }
    return result;
  }

  private static double heapPerMinute(List<HeapSample> heap) {
    return perMinute(
        heap.stream()
            .map(h -> new Sample(h.atMillis(), h.process(), h.pid(), h.liveMiB(), 0, 0))
            .toList(),
        Sample::rssMiB);
  }

  /** Least-squares slope of {@code value} over time, per minute. */
  static double perMinute(List<Sample> samples, ToDoubleFunction<Sample> value) {
    double n = samples.size();
    double meanT = samples.stream().mapToDouble(s -> s.atMillis() / 60_000.0).sum() / n;
    double meanV = samples.stream().mapToDouble(value).sum() / n;
    double covariance = 0;
    double variance = 0;
    for (Sample s : samples) {
      double t = s.atMillis() / 60_000.0 - meanT;
      covariance += t * (value.applyAsDouble(s) - meanV);
      variance += t * t;
    }
    return variance == 0 ? 0 : covariance / variance;
  }
}
