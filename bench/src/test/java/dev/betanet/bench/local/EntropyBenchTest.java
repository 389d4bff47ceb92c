package dev.betanet.bench.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParameterException;

class EntropyBenchTest {

  @TempDir Path dir;

  @Test
  void keepsItsDefaultsAndRefusesASettleShorterThanTheWindow() {
    EntropyBench.Arguments defaults = EntropyBench.parse(new String[0]);
    assertThat(defaults.covers).containsExactly(0, 6, 12, 24, 48);
    assertThat(defaults.flows).containsExactly(0, 10);
    assertThat(defaults.settle).isEqualTo(65);

    EntropyBench.Arguments options =
        EntropyBench.parse(new String[] {"--covers", "0,20", "--flows", "5", "--plot", "-"});
    assertThat(options.covers).containsExactly(0, 20);
    assertThat(options.flows).containsExactly(5);
    assertThat(options.plot).isEqualTo("-");

    assertThatThrownBy(() -> EntropyBench.parse(new String[] {"--settle", "30"}))
        .isInstanceOf(ParameterException.class)
        .hasMessage("--settle must be at least 60 s, the mixnodes' entropy window, not 30");
    assertThatThrownBy(() -> EntropyBench.parse(new String[] {"--covers", "-1"}))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--covers");
  }

  @Test
  void readsTheOperatorsStatusAndRefusesAnIncompleteOne() {
    Map<String, Object> complete =
        Map.of(
            "anonymity",
            Map.of(
                "measuredAt", "2026-12-01T20:00:00Z",
                "layers",
                    List.of(
                        layer(0, 2.5, 6.0, 0.4),
                        layer(1, 1.25, 3.0, null),
                        layer(2, 3.0, 8.0, 0.5)),
                "cover", Map.of("mode", "fixed", "ratePerSecond", 12)));
    AnonymityReading reading = AnonymityReading.fromStatus(complete).orElseThrow();
    assertThat(reading.measuredAt()).isEqualTo(Instant.parse("2026-12-01T20:00:00Z"));
    assertThat(reading.weakestBits()).isEqualTo(1.25);
    assertThat(reading.coverRate()).isEqualTo(12);
    assertThat(reading.layers().get(1).coverShare()).isNull();

    // A layer with a node not read has no entropy: the reading is not complete, never 0 bits.
    Map<String, Object> unknownLayer =
        Map.of(
            "anonymity",
            Map.of(
                "measuredAt", "2026-12-01T20:00:00Z",
                "layers", List.of(Map.of("layer", 0, "poolMeanPackets", 1.0)),
                "cover", Map.of("ratePerSecond", 0)));
    assertThat(AnonymityReading.fromStatus(unknownLayer)).isEmpty();
    assertThat(AnonymityReading.fromStatus(Map.of())).isEmpty();
  }

  @Test
  void theReportHasARowPerCellWithTheModelPoolAndTheWeakestLayer() {
    String report =
        EntropyReport.markdown("setup text", List.of(cell(0, 0, 0.4), cell(10, 24, 2.6)), "-");
    assertThat(report)
        .startsWith("setup text\n\n")
        .contains("| flows | cover /s per node, set (sent) |")
        // 40 packets/s into each mixnode's pool at 50 ms: λ/μ = 2.00
        .contains(
            "| 10 | 24 (20.5) | 31.5 | 40.0 | 2.00 | 2.60 (5.00) | 3.10 (6.00) | 2.90 (5.50) |")
        .contains("**2.60**")
        .doesNotContain("![");
    assertThat(EntropyReport.seconds("50ms")).isEqualTo(0.05);
    assertThat(EntropyReport.seconds("2s")).isEqualTo(2.0);
    assertThatThrownBy(() -> EntropyReport.seconds("1m30s"))
        .hasMessage("a mean delay the bench cannot read: 1m30s");
  }

  @Test
  void thePlotDrawsEachLoadsWeakestLayerWhereItsFiguresSay() throws Exception {
    Path file = dir.resolve("plots/entropy.png");
    EntropyBench.Cell low = cell(0, 0, 0.5);
    EntropyBench.Cell high = cell(0, 48, 3.0);
    EntropyPlot.write(file, List.of(low, high));

    BufferedImage image = ImageIO.read(Files.newInputStream(file));
    assertThat(image.getWidth()).isEqualTo(900);
    // The first load's colour at the 48/s point, 3.0 of 4 bits up: x = 70 + 610, y = 500 - 337.5.
    assertThat(new Color(image.getRGB(680, 162))).isEqualTo(new Color(0x1f77b4));
    assertThat(new Color(image.getRGB(680, 400))).isEqualTo(Color.WHITE);
  }

  @Test
  void theModelLineIsLoopixsExpectedEntropyAndTicksAreRound() {
    // docs/anonymity.md: λ/μ = 10 gives 3.395 bits; an empty pool hides nothing.
    EntropyBench.Cell ten = new EntropyBench.Cell(0, 0, 0, 0, 200, 0.05, cell(0, 0, 0).reading());
    assertThat(EntropyPlot.modelBits(ten)).isCloseTo(3.395, within(0.001));
    EntropyBench.Cell idle = new EntropyBench.Cell(0, 0, 0, 0, 0, 0.05, ten.reading());
    assertThat(EntropyPlot.modelBits(idle)).isZero();
    assertThat(EntropyPlot.tickStep(48)).isEqualTo(10);
    assertThat(EntropyPlot.tickStep(200)).isEqualTo(50);
    assertThat(EntropyPlot.tickStep(3)).isCloseTo(1, within(1e-12));
  }

  private static Map<String, Object> layer(int index, double bits, double pool, Double share) {
    Map<String, Object> layer = new java.util.HashMap<>();
    layer.put("layer", index);
    layer.put("entropyBits", bits);
    layer.put("poolMeanPackets", pool);
    if (share != null) {
      layer.put("coverShare", share);
    }
    return layer;
  }

  private static EntropyBench.Cell cell(int flows, int cover, double weakest) {
    AnonymityReading reading =
        new AnonymityReading(
            Instant.parse("2026-12-01T20:00:00Z"),
            List.of(
                new AnonymityReading.Layer(0, weakest, 5.0, 0.5),
                new AnonymityReading.Layer(1, weakest + 0.5, 6.0, 0.5),
                new AnonymityReading.Layer(2, weakest + 0.3, 5.5, 0.5)),
            cover);
    return new EntropyBench.Cell(
        flows, cover, cover == 0 ? 0 : cover - 3.5, flows == 0 ? 0 : 31.5, 40.0, 0.05, reading);
  }
}
