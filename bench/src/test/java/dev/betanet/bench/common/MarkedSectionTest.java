package dev.betanet.bench.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkedSectionTest {

  private static final MarkedSection SECTION =
      new MarkedSection("<!-- tool: begin -->", "<!-- tool: end -->");

  @TempDir Path dir;

  @Test
  void aNewReportReplacesOnlyThePreviousOneAndKeepsTheTextAroundIt() throws Exception {
    Path file = dir.resolve("benchmarks.md");
    Files.writeString(file, "# Benchmarks\n\nhand-written intro\n");

    SECTION.writeInto(file, "first run: 10 requests/s\n");
    SECTION.writeInto(file, "second run: 12 requests/s\n");
    Files.writeString(file, Files.readString(file) + "\nhand-written outro\n");
    SECTION.writeInto(file, "third run: 14 requests/s\n");

    String text = Files.readString(file);
    assertThat(text)
        .startsWith("# Benchmarks\n\nhand-written intro\n\n<!-- tool: begin -->\n")
        .contains("<!-- tool: begin -->\nthird run: 14 requests/s\n<!-- tool: end -->")
        .endsWith("hand-written outro\n")
        .doesNotContain("first run")
        .doesNotContain("second run");
  }

  @Test
  void anotherToolsSectionIsLeftAlone() throws Exception {
    Path file = dir.resolve("reliability.md");
    MarkedSection other = new MarkedSection("<!-- other: begin -->", "<!-- other: end -->");
    other.writeInto(file, "theirs");

    SECTION.writeInto(file, "ours, once");
    SECTION.writeInto(file, "ours, again");

    assertThat(Files.readString(file))
        .isEqualTo(
            "\n<!-- other: begin -->\ntheirs\n<!-- other: end -->\n"
                + "\n<!-- tool: begin -->\nours, again\n<!-- tool: end -->\n");
  }
}
