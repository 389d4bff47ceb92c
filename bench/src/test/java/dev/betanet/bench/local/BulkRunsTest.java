package dev.betanet.bench.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BulkRunsTest {

  @Test
  void readsDurationsAsTheCrdWritesThem() {
    assertThat(BulkRuns.millis("50ms")).isEqualTo(50);
    assertThat(BulkRuns.millis("1s")).isEqualTo(1000);
    assertThat(BulkRuns.millis("1m30s")).isEqualTo(90_000);
    assertThat(BulkRuns.millis("1h")).isEqualTo(3_600_000);
  }

  @Test
  void refusesWhatIsNotADuration() {
    for (String bad : new String[] {"50", "", "5 ms", "ms", "1s2x"}) {
      assertThatThrownBy(() -> BulkRuns.millis(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a duration");
    }
  }
}
