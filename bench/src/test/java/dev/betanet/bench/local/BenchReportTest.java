package dev.betanet.bench.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

  @TempDir Path dir;

  @Test
  void aNewReportReplacesOnlyThePreviousOneAndKeepsTheTextAroundIt() throws Exception {
    Path file = dir.resolve("benchmarks.md");
    Files.writeString(file, "# Benchmarks\n\nhand-written intro\n");

    BenchReport.writeInto(file, "first run: 10 requests/s\n");
    BenchReport.writeInto(file, "second run: 12 requests/s\n");
    Files.writeString(file, Files.readString(file) + "\nhand-written outro\n");
    BenchReport.writeInto(file, "third run: 14 requests/s\n");

    String text = Files.readString(file);
    assertThat(text)
        .startsWith("# Benchmarks\n\nhand-written intro\n")
        .contains(
            BenchReport.SECTION.begin()
                + "\nthird run: 14 requests/s\n"
                + BenchReport.SECTION.end())
        .endsWith("hand-written outro\n")
        .doesNotContain("first run")
        .doesNotContain("second run");
  }
}
