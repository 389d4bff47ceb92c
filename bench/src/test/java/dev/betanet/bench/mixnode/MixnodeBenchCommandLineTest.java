package dev.betanet.bench.mixnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
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
              "--connections",
              "1",
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
                Path.of("node.jar"), 10, 20, 30, 0.25, 2, 1, 8, java.util.List.of()));
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
}
