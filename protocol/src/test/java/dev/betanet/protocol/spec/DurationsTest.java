package dev.betanet.protocol.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void readsDurationsAsTheCrdWritesThem() {
    assertThat(Durations.parse("50ms", "f").toMillis()).isEqualTo(50);
    assertThat(Durations.parse("1s", "f").toMillis()).isEqualTo(1000);
    assertThat(Durations.parse("1m30s", "f").toMillis()).isEqualTo(90_000);
    assertThat(Durations.parse("1h", "f").toMillis()).isEqualTo(3_600_000);
  }

  @Test
  void refusesWhatIsNotADuration() {
    for (String bad : new String[] {"50", "", "5 ms", "ms", "1s2x"}) {
      assertThatThrownBy(() -> Durations.parse(bad, "f"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("f must be a duration");
    }
  }
}
