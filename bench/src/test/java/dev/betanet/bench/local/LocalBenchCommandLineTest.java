package dev.betanet.bench.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;

class LocalBenchCommandLineTest {

  @Test
  void keepsItsDefaultsAndReadsEveryOption() {
    LocalBench.Options defaults = LocalBench.Options.parse(new String[0]);
    assertThat(defaults.flows()).containsExactly(10, 50, 150);
    assertThat(defaults.report()).isEqualTo("docs/benchmarks.md");
    assertThat(defaults.commandLine()).isEmpty();
    assertThat(defaults.bulkSeconds()).isEqualTo(20);
    assertThat(defaults.bulkStreams()).containsExactly(1, 10);
    assertThat(defaults.bulkDelays()).containsExactly("50ms", "5ms");
    assertThat(defaults.bulkRates()).containsExactly(null, 600L);
    assertThat(defaults.posts()).isEqualTo(3);
    assertThat(defaults.postBytes()).isEqualTo(200_000);

    String[] args = {
      "--flows", "10", "--transports", "mixnet", "--seconds", "10", "--warmup", "0",
      "--flow-requests", "2", "--report", "-", "--state", "st", "--repository", "repo",
      "--bulk-seconds", "5", "--bulk-streams", "3", "--bulk-delays", "1s", "--bulk-rates", "900"
    };
    LocalBench.Options options = LocalBench.Options.parse(args);
    assertThat(options.flows()).containsExactly(10);
    assertThat(options.transports()).containsExactly("mixnet");
    assertThat(options.seconds()).isEqualTo(10);
    assertThat(options.warmup()).isZero();
    assertThat(options.flowRequests()).isEqualTo(2);
    assertThat(options.report()).isEqualTo("-");
    assertThat(options.state()).isEqualTo(Path.of("st"));
    assertThat(options.repository()).isEqualTo(Path.of("repo"));
    assertThat(options.bulkSeconds()).isEqualTo(5);
    assertThat(options.bulkStreams()).containsExactly(3);
    assertThat(options.bulkDelays()).containsExactly("1s");
    assertThat(options.bulkRates()).containsExactly(900L);
    assertThat(options.commandLine()).startsWith(" BENCH_ARGS='--flows 10 --transports mixnet");
  }

  @Test
  void aTrailingOptionWithoutItsValueIsAnError() {
    assertThatThrownBy(() -> LocalBench.Options.parse(new String[] {"--flows", "10", "--report"}))
        .isInstanceOf(MissingParameterException.class)
        .hasMessageContaining("Missing required parameter for option '--report'");
  }

  @Test
  void refusesATransportItDoesNotKnow() {
    assertThatThrownBy(() -> LocalBench.Options.parse(new String[] {"--transports", "vpn"}))
        .isInstanceOf(ParameterException.class)
        .hasMessage("--transports takes fallback and/or mixnet, not vpn");
  }

  @Test
  void refusesABulkRateOrDelayItCannotSet() {
    assertThatThrownBy(() -> LocalBench.Options.parse(new String[] {"--bulk-rates", "fast"}))
        .isInstanceOf(ParameterException.class)
        .hasMessage("--bulk-rates takes example or a positive number of packets/s, not fast");
    assertThatThrownBy(() -> LocalBench.Options.parse(new String[] {"--bulk-delays", "50"}))
        .isInstanceOf(ParameterException.class)
        .hasMessage("--bulk-delays takes durations like 50ms or 1s, not 50");
  }
}
