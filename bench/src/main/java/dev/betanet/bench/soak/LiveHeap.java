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

  /**
   * Empty when the process is gone or does not answer within 60 s. The output goes through a file,
   * not a pipe: the histogram is written while the target is at a safepoint, and when the target is
   * this JVM (the soak reads itself) a pipe that this JVM must drain would fill and stall both.
   */
  Optional<Reading> read(long pid) {
    Path out = null;
    try {
      out = Files.createTempFile("live-heap-" + pid + "-", ".txt");
      Process p =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return p.exitValue() == 0
          ? parse(Files.readString(out, StandardCharsets.UTF_8))
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
