package dev.betanet.bench.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;

class RouterBenchCommandLineTest {

  @Test
  void readsEveryOption() {
    RouterBench.Options options =
        RouterBench.Options.parse(
            new String[] {
              "--delays", "0,50", "--weights", "0,100", "--clients", "4", "--flow-requests", "3",
              "--seconds", "9", "--warmup", "1", "--layers", "2", "--jvm", "-Xmx1g  -Xss1m"
            });

    assertThat(options.delays).containsExactly(0L, 50L);
    assertThat(options.weights).containsExactly(0, 100);
    assertThat(options.clients).isEqualTo(4);
    assertThat(options.layers).isEqualTo(2);
    assertThat(options.jvmOptions()).containsExactly("-Xmx1g", "-Xss1m");
  }

  @Test
  void aTrailingOptionWithoutItsValueIsAnErrorNotIgnored() {
    // The hand-written loop stopped at the last complete pair and dropped "--weights".
    assertThatThrownBy(() -> RouterBench.Options.parse(new String[] {"--delays", "0", "--weights"}))
        .isInstanceOf(MissingParameterException.class)
        .hasMessageContaining("Missing required parameter for option '--weights'");
  }

  @Test
  void refusesAWeightThatIsNotAPercentage() {
    assertThatThrownBy(() -> RouterBench.Options.parse(new String[] {"--weights", "0,150"}))
        .isInstanceOf(ParameterException.class)
        .hasMessage("--weights are percentages, 0..100");
  }
}
