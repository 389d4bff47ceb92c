package dev.betanet.bench.soak;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What grew in a process's live heap: its first class histogram after warm-up against its latest,
 * the classes that gained most bytes. A live-heap slope says that something grows; this says what.
 * Keeps two readings per process, so it does not grow itself.
 */
final class HeapGrowth {

  private record Kept(
      long pid, LiveHeap.Reading first, LiveHeap.Reading latest, long firstAt, long latestAt) {}

  private final long sinceMillis;
  private final Map<String, Kept> byProcess = new TreeMap<>();

  /**
   * @param sinceMillis readings before this (the warm-up) are not kept
   */
  HeapGrowth(long sinceMillis) {
    this.sinceMillis = sinceMillis;
  }

  /** Keeps {@code reading} of {@code process} (pid {@code pid}) taken at {@code atMillis}. */
  synchronized void record(String process, long pid, long atMillis, LiveHeap.Reading reading) {
    if (atMillis < sinceMillis) {
      return;
    }
    Kept kept = byProcess.get(process);
    byProcess.put(
        process,
        kept == null || kept.pid() != pid
            ? new Kept(pid, reading, reading, atMillis, atMillis)
            : new Kept(pid, kept.first(), reading, kept.firstAt(), atMillis));
  }

  /**
   * The {@code top} classes that grew most in each of {@code processes}, as a markdown list; empty
   * when no process has two readings.
   */
  synchronized String markdown(List<String> processes, int top) {
    StringBuilder md = new StringBuilder();
    for (String process : processes) {
      Kept kept = byProcess.get(process);
      if (kept == null || kept.latestAt() == kept.firstAt()) {
        continue;
      }
      md.append(
          String.format(
              Locale.ROOT,
              "- %s, live heap %.1f → %.1f MiB over %.1f min: ",
              process,
              kept.first().totalMiB(),
              kept.latest().totalMiB(),
              (kept.latestAt() - kept.firstAt()) / 60_000.0));
      md.append(String.join(", ", grown(kept.first(), kept.latest(), top))).append('\n');
    }
    return md.isEmpty()
        ? ""
        : "\nLive heap growth by class, first reading after warm-up to the last (most bytes"
            + " gained first):\n\n"
            + md;
  }

  static List<String> grown(LiveHeap.Reading first, LiveHeap.Reading latest, int top) {
    Map<String, Long> delta = new HashMap<>();
    latest.bytesByClass().forEach((c, b) -> delta.merge(c, b, Long::sum));
    first.bytesByClass().forEach((c, b) -> delta.merge(c, -b, Long::sum));
    return delta.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .map(e -> String.format(Locale.ROOT, "`%s` +%.0f KiB", e.getKey(), e.getValue() / 1024.0))
        .toList();
  }
}
