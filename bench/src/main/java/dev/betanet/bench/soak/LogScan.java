package dev.betanet.bench.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the stack traces in the pods' logs ({@code <state>/pods/<ns>_<pod>/<container>.log}, which
 * the local runtime appends to across restarts). A stack trace is a run of {@code at ...(...)}
 * frame lines; it is named by the line before its first frame (the exception and its message).
 *
 * <p>Every one is unexpected but one kind: Vert.x's {@code BlockedThreadChecker} warning that an
 * event loop made no progress for over 2 s, which it prints with the loop's stack. On this shared
 * machine (load averages of 15–30 on 2 cores) threads wait seconds for a core, so those are counted
 * apart ({@link Traces#starved}) and reported, not failed. The services log expected I/O trouble (a
 * peer killed mid-connection) as one line without a trace, so any other trace is an error someone
 * did not handle.
 */
final class LogScan {

  private static final Pattern FRAME = Pattern.compile("^\\s+at [\\w$.<>/]+\\(.*\\)\\s*$");

  /**
   * The traces of one log file: how many unexpected ones, the first line of each distinct one, and
   * how many event-loop-blocked warnings.
   */
  record Traces(String log, int count, List<String> headers, int starved) {}

  private static final String BLOCKED = "io.vertx.core.VertxException: Thread blocked";

  private LogScan() {}

  static List<Traces> scan(Path podsDir) throws IOException {
    List<Traces> found = new ArrayList<>();
    if (!Files.isDirectory(podsDir)) {
      return found;
    }
    List<Path> logs;
    try (Stream<Path> walk = Files.walk(podsDir, 2)) {
      logs = walk.filter(p -> p.toString().endsWith(".log")).sorted().toList();
    }
    for (Path log : logs) {
      Map<String, Integer> headers = new TreeMap<>();
      int count = 0;
      int starved = 0;
      String previous = "";
      boolean inTrace = false;
      for (String line : lines(log)) {
        boolean frame = FRAME.matcher(line).matches();
        if (frame && !inTrace) {
          if (previous.strip().endsWith(BLOCKED)) {
            starved++;
          } else {
            count++;
            headers.merge(shorten(previous), 1, Integer::sum);
          }
        }
        inTrace = frame || (inTrace && (line.startsWith("Caused by:") || line.contains("... ")));
        previous = line;
      }
      if (count > 0 || starved > 0) {
        found.add(
            new Traces(
                podsDir.relativize(log).toString(),
                count,
                headers.entrySet().stream().map(e -> e.getValue() + " × " + e.getKey()).toList(),
                starved));
      }
    }
    return found;
  }

  private static List<String> lines(Path log) throws IOException {
    // Logs may hold bytes that are not UTF-8 (a process killed mid-write): read them leniently.
    return new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1).lines().toList();
  }

  private static String shorten(String header) {
    String trimmed = header.strip();
    return trimmed.length() > 200 ? trimmed.substring(0, 200) + "…" : trimmed;
  }
}
