package dev.betanet.router.split;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.router.state.Transport;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CanarySplitTest {

  private static int mixnet(CanarySplit split, int flows) {
    int mixnet = 0;
    for (int i = 0; i < flows; i++) {
      if (split.next() == Transport.MIXNET) {
        mixnet++;
      }
    }
    return mixnet;
  }

  @Test
  void weightsZeroAndHundredAreExact() {
    assertThat(mixnet(new CanarySplit(() -> 0, new Random()), 100_000)).isZero();
    assertThat(mixnet(new CanarySplit(() -> 100, new Random()), 100_000)).isEqualTo(100_000);
    // Out-of-range weights cannot come from a verified topology; they clamp rather than misbehave.
    assertThat(mixnet(new CanarySplit(() -> -5, new Random()), 1_000)).isZero();
    assertThat(mixnet(new CanarySplit(() -> 250, new Random()), 1_000)).isEqualTo(1_000);
  }

  @Test
  void weightOnePercentIsAboutOnePercent() {
    // Binomial(100000, 0.01): mean 1000, sd 31.5; four sd either side.
    assertThat(mixnet(new CanarySplit(() -> 1, new Random(7)), 100_000)).isBetween(874, 1126);
  }

  @Test
  void theWeightIsReadAtEveryDraw() {
    AtomicInteger weight = new AtomicInteger(0);
    CanarySplit split = new CanarySplit(weight::get, new Random(1));
    assertThat(mixnet(split, 50)).isZero();
    weight.set(100);
    assertThat(mixnet(split, 50)).isEqualTo(50);
  }
}
