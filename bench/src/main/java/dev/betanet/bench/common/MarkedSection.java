package dev.betanet.bench.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A generated part of a hand-written markdown file, between two HTML-comment markers: a bench
 * replaces only what lies between them, so the text around stays as written.
 *
 * @param begin the opening marker, on a line of its own
 * @param end the closing marker
 */
public record MarkedSection(String begin, String end) {

  /** Markers named after the command that writes the section. */
  public static MarkedSection of(String command) {
    return new MarkedSection(
        "<!-- " + command + ": begin (generated; edits inside are overwritten) -->",
        "<!-- " + command + ": end -->");
  }

  /**
   * Replaces the text between the markers in {@code file}, or appends both when they are absent.
   */
  public void writeInto(Path file, String content) throws IOException {
    String text = Files.exists(file) ? Files.readString(file) : "";
    String block = begin + "\n" + content.strip() + "\n" + end;
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from >= 0 && to > from) {
      text = text.substring(0, from) + block + text.substring(to + end.length());
    } else {
      text = text + (text.endsWith("\n") || text.isEmpty() ? "" : "\n") + "\n" + block + "\n";
    }
    Files.writeString(file, text);
  }
}
