package dev.betanet.bench.mixnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.betanet.local.runtime.ImageCatalog;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

class MixnodeBenchCommandLineTest {

  @Test
  void readsEveryOptionIntoTheRunSettings() {
    MixnodeBench.Arguments arguments =
        MixnodeBench.parse(
            new String[] {
              "--x25519",
              "openssl",
              "--warmup",
              "10",
              "--saturate",
              "20",
              "--rate",
              "30",
              "--rate-fraction",
              "0.25",
              "--rate-seconds",
              "2",
              "--open-warmup-seconds",
              "0",
              "--connections",
              "1",
              "--rate-connections",
              "17",
              "--arrivals",
              "even",
              "--window",
              "8",
              "--jar",
              "node.jar",
              "--jvm",
              ""
            });

    assertThat(arguments.implementations).containsExactly("openssl");
    assertThat(arguments.settings())
        .isEqualTo(
            new BenchRun.Settings(
                Path.of("node.jar"), 10, 20, 30, 0.25, 2, 0, 1, 17, false, 8, List.of(), null));
  }

  @Test
  void opensTheLoopAtEightyPercentOverSixteenConnectionsWithPoissonArrivalsByDefault() {
    BenchRun.Settings settings = MixnodeBench.parse(new String[0]).settings();

    assertThat(settings.rateFraction()).isEqualTo(0.8);
    assertThat(settings.rateConnections()).isEqualTo(16);
    assertThat(settings.poisson()).isTrue();
    assertThat(settings.pinned()).isFalse();
    assertThat(settings.openWarmupSeconds()).isEqualTo(3);
  }

  @Test
  void aNegativeOpenLoopWarmUpIsAnError() {
    assertThatThrownBy(() -> MixnodeBench.parse(new String[] {"--open-warmup-seconds", "-1"}))
        .hasMessageContaining("--open-warmup-seconds >= 0");
  }

  @Test
  void anUnknownArrivalProcessIsAnError() {
    assertThatThrownBy(() -> MixnodeBench.parse(new String[] {"--arrivals", "bursty"}))
        .hasMessageContaining("--arrivals must be poisson or even, not bursty");
  }

  @Test
  void poissonArrivalsKeepTheRequestedMeanRateAndNeverGoBackInTime() {
    long[] offsets = LoadDriver.schedule(100_000, 20_000, true, 15L);

    for (int i = 1; i < offsets.length; i++) {
      assertThat(offsets[i]).isGreaterThanOrEqualTo(offsets[i - 1]);
    }
    // 100,000 exponential gaps of mean 50 µs: 5 s, within a few standard deviations (0.3 %).
    assertThat(offsets[offsets.length - 1] / 1e9).isBetween(4.95, 5.05);
    assertThat(LoadDriver.schedule(4, 1_000, false, 15L))
        .containsExactly(0, 1_000_000, 2_000_000, 3_000_000);
  }

  @Test
  void aTrailingOptionWithoutItsValueIsAnError() {
    assertThatThrownBy(() -> MixnodeBench.parse(new String[] {"--x25519", "openssl", "--jvm"}))
        .isInstanceOf(MissingParameterException.class)
        .hasMessageContaining("'--jvm'");
  }

  @Test
  void anUnknownOptionIsAnError() {
    assertThatThrownBy(() -> MixnodeBench.parse(new String[] {"--rates", "5"}))
        .isInstanceOf(UnmatchedArgumentException.class)
        .hasMessageContaining("--rates");
  }

  /**
   * The node runs with the image's JVM options by default (ImageCatalog holds them to the
   * Dockerfiles); only the heap is fixed here (the image sizes it from the pod's memory limit).
   */
  @Test
  void theNodeRunsWithTheMixnodeImagesJvmOptionsByDefault() {
    List<String> imageOptions =
        ImageCatalog.imageOptions().stream()
            .filter(option -> !option.contains("RAMPercentage"))
            .toList();

    assertThat(imageOptions).isNotEmpty();
    assertThat(MixnodeBench.parse(new String[0]).settings().jvmOptions()).containsAll(imageOptions);
  }
}
