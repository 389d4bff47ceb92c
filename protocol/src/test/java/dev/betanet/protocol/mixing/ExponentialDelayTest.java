package dev.betanet.protocol.mixing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.betanet.protocol.replay.ReplayWindow;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExponentialDelayTest {

  @Test
  void ceilingIsTheMillionthQuantileAndNeverPastTheReplayWindow() {
    // ln(10^6) = 13.8155...: a mean of 1 s gives 13,816 ms.
    assertThat(ExponentialDelay.ceilingMillis(1_000, ReplayWindow.DEFAULT)).isEqualTo(13_816);
    assertThat(ExponentialDelay.ceilingMillis(100, ReplayWindow.DEFAULT)).isEqualTo(1_382);
    assertThat(ExponentialDelay.ceilingMillis(60_000, ReplayWindow.DEFAULT))
        .as("capped at maxAge")
        .isEqualTo(120_000);
    assertThat(ExponentialDelay.ceilingMillis(0, ReplayWindow.DEFAULT)).isZero();
  }

  @Test
  void drawsHaveTheMeanTheyAreAskedFor() {
    var random = new SplittableRandom(11);
    int n = 200_000;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += ExponentialDelay.draw(500, random);
    }
    // Standard error of the mean: 500 / sqrt(200,000) ≈ 1.1 ms; allow 5 of them.
    assertThat(sum / n).isCloseTo(500, within(5.6));
  }

  @Test
  void truncatedDrawsStayBelowTheCeilingWithTheSameMean() {
    var random = new SplittableRandom(12);
    long ceiling = ExponentialDelay.ceilingMillis(2, ReplayWindow.DEFAULT); // 28 ms
    int n = 200_000;
    double sum = 0;
    long max = 0;
    for (int i = 0; i < n; i++) {
      long d = ExponentialDelay.drawBelow(2, ReplayWindow.DEFAULT, random);
      sum += d;
      max = Math.max(max, d);
    }
    assertThat(max).isLessThanOrEqualTo(ceiling);
    // round() of an exponential with mean 2 has mean e^(1/4) / (e^(1/2) - 1) = 1.9793 (the
    // truncation at 28 ms moves it by 10^-5); standard error ≈ 0.0045, allow 5 of them.
    assertThat(sum / n).isCloseTo(1.9793, within(0.023));
    assertThat(ExponentialDelay.drawBelow(0, ReplayWindow.DEFAULT, random)).isZero();
  }
}
