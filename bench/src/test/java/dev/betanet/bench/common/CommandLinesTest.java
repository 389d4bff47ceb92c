package dev.betanet.bench.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

class CommandLinesTest {

  @Command(name = "example")
  static final class Example {
    @Option(names = "--weights", split = ",")
    List<Integer> weights = List.of(0, 100);

    @Option(names = "--seconds")
    int seconds = 20;

    void validate() {
      if (seconds < 1) {
        throw new IllegalArgumentException("--seconds must be positive");
      }
    }
  }

  @Test
  void readsOptionsAndKeepsDefaults() {
    Example example = new Example();

    CommandLines.parse(example, new String[] {"--weights", "10,50"}, Example::validate);

    assertThat(example.weights).containsExactly(10, 50);
    assertThat(example.seconds).isEqualTo(20);
  }

  @Test
  void aTrailingOptionWithoutItsValueIsAnError() {
    assertThatThrownBy(
            () ->
                CommandLines.parse(
                    new Example(), new String[] {"--seconds", "5", "--weights"}, e -> {}))
        .isInstanceOf(MissingParameterException.class)
        .hasMessageContaining("Missing required parameter for option '--weights'");
  }

  @Test
  void aValueTheValidationRefusesIsAParameterErrorWithItsMessage() {
    assertThatThrownBy(
            () ->
                CommandLines.parse(
                    new Example(), new String[] {"--seconds", "0"}, Example::validate))
        .isInstanceOf(ParameterException.class)
        .hasMessage("--seconds must be positive");
  }
}
