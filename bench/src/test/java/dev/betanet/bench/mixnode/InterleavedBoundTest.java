package dev.betanet.bench.mixnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class InterleavedBoundTest {

  @Test
  void judgesEachSliceByThePassesEitherSideOfIt() {
    // The machine speeds up by a fifth halfway: a bound measured once would misjudge one half.
    var judged =
        new InterleavedBound.Judged(
            new double[] {16_000, 16_000, 19_200}, new double[] {20_000, 20_000, 20_000, 24_000});

    assertThat(judged.ratio(0)).isCloseTo(0.8, within(1e-9));
    assertThat(judged.ratio(1)).isCloseTo(0.8, within(1e-9));
    assertThat(judged.ratio(2)).isCloseTo(19_200 / 22_000.0, within(1e-9));
    assertThat(judged.minRatio()).isCloseTo(0.8, within(1e-9));
    assertThat(judged.maxRatio()).isCloseTo(19_200 / 22_000.0, within(1e-9));
    assertThat(judged.meanPass()).isEqualTo(21_000);
    assertThat(judged.minPass()).isEqualTo(20_000);
    assertThat(judged.maxPass()).isEqualTo(24_000);
  }

  @Test
  void needsOnePassMoreThanSlices() {
    assertThatThrownBy(() -> new InterleavedBound.Judged(new double[] {1, 2}, new double[] {1, 2}))
        .hasMessageContaining("2 slices need 3 passes, got 2");
  }
}
