package dev.betanet.operator.anonymity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.crd.AnonymityStatus;
import dev.betanet.operator.crd.CoverStatus;
import dev.betanet.operator.crd.CoverTrafficMode;
import dev.betanet.operator.crd.CoverTrafficSpec;
import dev.betanet.operator.crd.LayerAnonymityStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdaptiveCoverTest {

  private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
  private static final Duration HOLD = Duration.ofMinutes(2);

  @Test
  void fixedModePublishesTheSpecsRateAndNeverReportsAChange() {
    CoverTrafficSpec spec = new CoverTrafficSpec();
    spec.rate = 7;

    AdaptiveCover.Decision decision = AdaptiveCover.decide(spec, null, weakest(0.1), HOLD, T0);

    assertThat(decision.rate()).isEqualTo(7);
    assertThat(decision.status().mode).isEqualTo(CoverTrafficMode.FIXED);
    assertThat(decision.status().reason).isEqualTo(AdaptiveCover.FIXED);
    assertThat(decision.changed()).isFalse();
  }

  @Test
  void belowTheTargetItRaisesFromZeroThenDoublesAtMostAndStopsAtTheCap() {
    CoverTrafficSpec spec = adaptive(3.0, 40);

    AdaptiveCover.Decision first = AdaptiveCover.decide(spec, null, weakest(0.5), HOLD, T0);
    assertThat(first.rate()).as("an eighth of the cap").isEqualTo(5);
    assertThat(first.changed()).isTrue();
    assertThat(first.status().reason).isEqualTo(AdaptiveCover.RAISED);
    assertThat(first.status().lastChangeAt).isEqualTo(T0.toString());
    assertThat(first.status().message)
        .isEqualTo("layer 1 at 0.50 bits, target 3.00: cover 0 → 5 packets/s per node");

    Instant later = T0.plus(HOLD);
    AdaptiveCover.Decision far =
        AdaptiveCover.decide(spec, first.status(), weakest(0.5), HOLD, later);
    assertThat(far.rate()).as("2.5 bits short: at most double").isEqualTo(10);

    AdaptiveCover.Decision near =
        AdaptiveCover.decide(spec, far.status(), weakest(2.8), HOLD, later.plus(HOLD));
    assertThat(near.rate()).as("0.2 bits short: ×2^0.2, rounded up").isEqualTo(12);

    CoverStatus almost = status(38, later.plus(HOLD));
    AdaptiveCover.Decision capped =
        AdaptiveCover.decide(spec, almost, weakest(1.0), HOLD, later.plus(HOLD).plus(HOLD));
    assertThat(capped.rate()).isEqualTo(40);

    AdaptiveCover.Decision atCap =
        AdaptiveCover.decide(
            spec, capped.status(), weakest(1.0), HOLD, T0.plus(HOLD.multipliedBy(9)));
    assertThat(atCap.rate()).isEqualTo(40);
    assertThat(atCap.status().reason).isEqualTo(AdaptiveCover.AT_CAP);
    assertThat(atCap.changed()).as("reaching the cap is worth one event").isTrue();
    assertThat(atCap.status().message)
        .startsWith("layer 1 at 1.00 bits, target 3.00: cover already at maxRate 40");
    AdaptiveCover.Decision stillAtCap =
        AdaptiveCover.decide(
            spec, atCap.status(), weakest(1.0), HOLD, T0.plus(HOLD.multipliedBy(10)));
    assertThat(stillAtCap.changed()).as("not one per reconcile").isFalse();
  }

  @Test
  void aChangeIsLeftToTakeEffectForTheHoldTimeBeforeItIsJudged() {
    CoverTrafficSpec spec = adaptive(3.0, 40);
    CoverStatus justChanged = status(10, T0);

    AdaptiveCover.Decision waiting =
        AdaptiveCover.decide(spec, justChanged, weakest(0.5), HOLD, T0.plus(HOLD).minusSeconds(1));
    assertThat(waiting.rate()).isEqualTo(10);
    assertThat(waiting.changed()).isFalse();
    assertThat(waiting.status().reason).isEqualTo(AdaptiveCover.WAITING);
    assertThat(waiting.status().lastChangeAt).isEqualTo(T0.toString());

    assertThat(AdaptiveCover.decide(spec, justChanged, weakest(0.5), HOLD, T0.plus(HOLD)).rate())
        .isEqualTo(20);
  }

  @Test
  void inTheDeadBandNothingMovesAndAboveItTheRateFallsByAQuarterAtMost() {
    CoverTrafficSpec spec = adaptive(3.0, 40);
    CoverStatus at20 = status(20, T0);
    Instant judged = T0.plus(HOLD);

    assertThat(AdaptiveCover.decide(spec, at20, weakest(3.0), HOLD, judged).status().reason)
        .isEqualTo(AdaptiveCover.AT_TARGET);
    AdaptiveCover.Decision band = AdaptiveCover.decide(spec, at20, weakest(3.49), HOLD, judged);
    assertThat(band.rate()).isEqualTo(20);
    assertThat(band.changed()).isFalse();

    AdaptiveCover.Decision slightly = AdaptiveCover.decide(spec, at20, weakest(3.6), HOLD, judged);
    assertThat(slightly.rate()).as("×2^-0.6 = 0.66, but a quarter at most").isEqualTo(15);
    assertThat(slightly.status().reason).isEqualTo(AdaptiveCover.LOWERED);

    assertThat(AdaptiveCover.decide(spec, status(1, T0), weakest(9.0), HOLD, judged).rate())
        .as("down to none")
        .isZero();
    assertThat(AdaptiveCover.decide(spec, status(0, T0), weakest(9.0), HOLD, judged).changed())
        .isFalse();
  }

  @Test
  void anUnmeasuredLayerKeepsTheRateAndALoweredCapLowersItAtOnce() {
    CoverTrafficSpec spec = adaptive(3.0, 40);
    AnonymityStatus unknown = new AnonymityStatus();

    AdaptiveCover.Decision kept =
        AdaptiveCover.decide(spec, status(12, T0), unknown, HOLD, T0.plus(HOLD));
    assertThat(kept.rate()).isEqualTo(12);
    assertThat(kept.status().reason).isEqualTo(AdaptiveCover.NOT_MEASURED);

    spec.maxRate = 8;
    AdaptiveCover.Decision lowered =
        AdaptiveCover.decide(spec, status(12, T0), unknown, HOLD, T0.plusSeconds(1));
    assertThat(lowered.rate()).isEqualTo(8);
    assertThat(lowered.changed()).isTrue();
  }

  @Test
  void closedLoopOnAPoissonPoolItSettlesAtTheTargetWithoutOscillating() {
    // The plant: 3 layers of 2 nodes and 1 router, every node sending loop cover that crosses
    // every layer once, so a node of a layer sees 7/2 × rate cover; 12 real packets/s per node,
    // 50 ms mean delay. Entropy as Loopix's pool gives it (docs/anonymity.md).
    CoverTrafficSpec spec = adaptive(3.0, 100);
    CoverStatus cover = null;
    Instant now = T0;
    List<Integer> rates = new ArrayList<>();
    List<Double> bits = new ArrayList<>();
    for (int round = 0; round < 40; round++) {
      int rate = cover == null ? 0 : cover.ratePerSecond;
      double entropy = LoopixPool.entropyBits(0.05 * (12 + 3.5 * rate));
      bits.add(entropy);
      AdaptiveCover.Decision decision =
          AdaptiveCover.decide(spec, cover, weakest(entropy), HOLD, now);
      cover = decision.status();
      rates.add(cover.ratePerSecond);
      now = now.plus(HOLD);
    }

    assertThat(bits.getFirst()).as("without cover").isLessThan(1.0);
    assertThat(bits.getLast()).isBetween(3.0, 3.0 + AdaptiveCover.DEADBAND_BITS);
    assertThat(rates.subList(20, 40)).as("settled: %s", rates).containsOnly(rates.getLast());
    int reversals = 0;
    for (int i = 2; i < rates.size(); i++) {
      int before = Integer.signum(rates.get(i - 1) - rates.get(i - 2));
      int after = Integer.signum(rates.get(i) - rates.get(i - 1));
      if (before != 0 && after != 0 && before != after) {
        reversals++;
      }
    }
    assertThat(reversals).as("direction changes in %s", rates).isZero();
    assertThat(rates).allMatch(r -> r <= 100);
  }

  private static CoverTrafficSpec adaptive(double target, int cap) {
    CoverTrafficSpec spec = new CoverTrafficSpec();
    spec.mode = CoverTrafficMode.ADAPTIVE;
    spec.targetEntropyBits = target;
    spec.maxRate = cap;
    return spec;
  }

  private static CoverStatus status(int rate, Instant changedAt) {
    CoverStatus status = new CoverStatus();
    status.mode = CoverTrafficMode.ADAPTIVE;
    status.ratePerSecond = rate;
    status.lastChangeAt = changedAt.toString();
    status.reason = AdaptiveCover.RAISED;
    return status;
  }

  /** Layer 1 is the weakest, at {@code bits}. */
  static AnonymityStatus weakest(double bits) {
    AnonymityStatus status = new AnonymityStatus();
    for (int i = 0; i < 3; i++) {
      LayerAnonymityStatus layer = new LayerAnonymityStatus();
      layer.layer = i;
      layer.entropyBits = i == 1 ? bits : bits + 1;
      layer.poolMeanPackets = 1.0;
      status.layers.add(layer);
    }
    status.weakestLayer = 1;
    status.weakestEntropyBits = bits;
    return status;
  }
}
