package dev.betanet.bench.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live heap of a JVM: {@code jcmd <pid> GC.class_histogram} runs a full collection in that JVM
 * first, so what it counts is what is still reachable, the figure a heap leak makes grow. Resident
 * memory cannot show a heap leak once the heap is fixed and touched at start (as the pods' is), and
 * before that it mostly shows the heap growing towards its maximum. The full collection pauses the
 * process once per reading (tens of milliseconds for these heaps); the soak reads once a minute.
 */
final class LiveHeap {

  /** One reading: bytes still reachable in all, and per class. */
  record Reading(long totalBytes, Map<String, Long> bytesByClass) {
    double totalMiB() {
      return totalBytes / (1024.0 * 1024.0);
    }
  }

  private static final Pattern ROW =
      Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)(?:\\s+\\(.*\\))?\\s*$");
  private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

  private final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");

  /** Empty when the process is gone or does not answer within 60 s (see {@link #jcmd}). */
  Optional<Reading> read(long pid) {
    return jcmd(pid, "GC.class_histogram").flatMap(LiveHeap::parse);
  }

  /**
   * The address range the process's Java heap occupies, {@code [low, high)}: its resident pages are
   * heap, whatever the collector has touched so far. Empty when the process is gone or does not
   * answer.
   */
  Optional<long[]> heapRange(long pid) {
    return jcmd(pid, "GC.heap_info").flatMap(LiveHeap::parseRange);
  }

  /**
   * The output of {@code jcmd <pid> <command>}; empty when the process is gone or does not answer
   * within 60 s. The output goes through a file, not a pipe: a histogram is written while the
   * target is at a safepoint, and when the target is this JVM (the soak reads itself) a pipe that
   * this JVM must drain would fill and stall both.
   */
  private Optional<String> jcmd(long pid, String command) {
    Path out = null;
    try {
      out = Files.createTempFile("jcmd-" + pid + "-", ".txt");
      Process p =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return p.exitValue() == 0
          ? Optional.of(Files.readString(out, StandardCharsets.UTF_8))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // a temporary file left behind; nothing depends on it
        }
      }
    }
  }

  private static final Pattern ADDRESS = Pattern.compile("0x([0-9a-fA-F]+)");

  /**
   * The lowest and highest address in a {@code GC.heap_info} answer: every collector prints its
   * spaces' bounds as {@code [0x…, 0x…, 0x…)}.
   */
  static Optional<long[]> parseRange(String heapInfo) {
    long low = Long.MAX_VALUE;
    long high = Long.MIN_VALUE;
    for (String line : heapInfo.split("\n")) {
      int open = line.indexOf('[');
      if (open < 0) {
        continue;
      }
      Matcher m = ADDRESS.matcher(line.substring(open));
      while (m.find()) {
        long address = Long.parseUnsignedLong(m.group(1), 16);
        low = Math.min(low, address);
        high = Math.max(high, address);
      }
    }
    return low < high ? Optional.of(new long[] {low, high}) : Optional.empty();
  }

  /**
   * The resident KiB of the mappings in {@code smaps} (the text of {@code /proc/<pid>/smaps}) that
   * lie inside {@code [low, high)}.
   */
  static long residentKiBWithin(String smaps, long low, long high) {
    long kib = 0;
    boolean inside = false;
    for (String line : smaps.split("\n")) {
      int dash = line.indexOf('-');
      int space = line.indexOf(' ');
      if (dash > 0 && space > dash && isHex(line, 0, dash)) {
        long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
        long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
        inside = start >= low && end <= high;
      } else if (inside && line.startsWith("Rss:")) {
        kib += Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
      }
    }
    return kib;
  }

  private static boolean isHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return to > from;
  }

  /** The histogram's rows and its Total line; empty when there is no Total line. */
  static Optional<Reading> parse(String histogram) {
    Map<String, Long> byClass = new LinkedHashMap<>();
    OptionalLong total = OptionalLong.empty();
    for (String line : histogram.split("\n")) {
      Matcher row = ROW.matcher(line);
      if (row.matches()) {
        byClass.merge(row.group(3), Long.parseLong(row.group(2)), Long::sum);
        continue;
      }
      Matcher t = TOTAL.matcher(line);
      if (t.matches()) {
        total = OptionalLong.of(Long.parseLong(t.group(2)));
      }
    }
    return total.isPresent()
        ? Optional.of(new Reading(total.getAsLong(), byClass))
        : Optional.empty();
  }
}
