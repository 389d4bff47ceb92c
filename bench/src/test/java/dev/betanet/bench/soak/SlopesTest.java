package dev.betanet.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.betanet.bench.soak.ResourceSampler.HeapSample;
import dev.betanet.bench.soak.ResourceSampler.Sample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlopesTest {

  private static final long MINUTE = 60_000;
  private static final Slopes.Bounds BOUNDS = new Slopes.Bounds(1.5, 0.5, 0.5, 0.25);

  @Test
  void theSlopeOfAStraightLineIsItsGrowthPerMinute() {
    List<Sample> samples = new ArrayList<>();
    for (long t = 0; t <= 10 * MINUTE; t += 5_000) {
      double minutes = t / (double) MINUTE;
      samples.add(new Sample(t, "p", 1, 100 + 2 * minutes, 50 - (int) minutes, 20));
    }

    assertThat(Slopes.perMinute(samples, Sample::rssMiB)).isCloseTo(2.0, within(1e-9));
    assertThat(Slopes.perMinute(samples, Sample::threads)).isCloseTo(0.0, within(1e-9));
    assertThat(Slopes.perMinute(samples, s -> s.fds())).isCloseTo(-1.0, within(0.05));
    assertThat(Slopes.perMinute(samples.subList(0, 1), Sample::rssMiB))
        .as("one sample has no slope")
        .isZero();
  }

  @Test
  void eachIncarnationIsJudgedAfterItsOwnWarmUp() {
    List<Sample> samples = new ArrayList<>();
    // Incarnation 1: grows 10 MiB/min during a 5-minute warm-up, then is flat.
    for (long t = 0; t <= 20 * MINUTE; t += 5_000) {
      double rss = t < 5 * MINUTE ? 100 + 10.0 * t / MINUTE : 150;
      samples.add(new Sample(t, "mix", 1, rss, 90, 30));
    }
    // Incarnation 2, restarted at minute 6: flat for its first 5 minutes, then leaks 3 MiB/min.
    for (long t = 6 * MINUTE; t <= 20 * MINUTE; t += 5_000) {
      double rss = t < 11 * MINUTE ? 200 : 200 + 3.0 * (t - 11 * MINUTE) / MINUTE;
      samples.add(new Sample(t, "mix", 2, rss, 90, 30));
    }
    // Incarnation 3 lives two minutes after its warm-up: listed, not judged.
    for (long t = 10 * MINUTE; t <= 17 * MINUTE; t += 5_000) {
      samples.add(new Sample(t, "mix", 3, 100 + t / 1000.0, 90, 30));
    }

    List<HeapSample> heaps = new ArrayList<>();
    heaps.addAll(flatHeap("mix", 1, 0));
    heaps.addAll(flatHeap("mix", 2, 6 * MINUTE));

    List<Slopes.Flatness> flatness = Slopes.of(samples, heaps, 5 * MINUTE, 7 * MINUTE);

    assertThat(flatness).extracting(Slopes.Flatness::pid).containsExactly(1L, 2L, 3L);
    Slopes.Flatness first = flatness.get(0);
    assertThat(first.judged()).isTrue();
    assertThat(first.rssMiBPerMinute()).as("the warm-up growth is not counted").isZero();
    assertThat(first.rssMaxMiB()).isEqualTo(150);
    assertThat(first.within(BOUNDS)).isTrue();
    Slopes.Flatness second = flatness.get(1);
    assertThat(second.judged()).isTrue();
    assertThat(second.rssMiBPerMinute()).isCloseTo(3.0, within(1e-9));
    assertThat(second.within(BOUNDS)).isFalse();
    Slopes.Flatness third = flatness.get(2);
    assertThat(third.judged()).isFalse();
    assertThat(third.rssMiBPerMinute()).isNaN();
    assertThat(third.within(BOUNDS)).as("too short to say anything").isTrue();
  }

  @Test
  void aThreadOrDescriptorLeakAloneIsNotFlat() {
    List<Sample> samples = new ArrayList<>();
    for (long t = 0; t <= 20 * MINUTE; t += 5_000) {
      samples.add(new Sample(t, "router", 7, 250, 80 + (int) (t / MINUTE), 40));
    }

    Slopes.Flatness f =
        Slopes.of(samples, flatHeap("router", 7, 0), 5 * MINUTE, 7 * MINUTE).getFirst();

    assertThat(f.fdsPerMinute()).isCloseTo(1.0, within(0.05));
    assertThat(f.within(BOUNDS)).isFalse();
  }

  @Test
  void aLiveHeapThatGrowsOrIsNotMeasuredIsNotFlatEvenWithFlatRss() {
    List<Sample> samples = new ArrayList<>();
    List<HeapSample> heaps = new ArrayList<>();
    for (long t = 0; t <= 20 * MINUTE; t += 5_000) {
      samples.add(new Sample(t, "mix", 1, 300, 90, 30));
      samples.add(new Sample(t, "mix", 2, 300, 90, 30));
    }
    for (long t = 0; t <= 20 * MINUTE; t += MINUTE) {
      // Incarnation 1 keeps 1 MiB more every minute: a heap leak the fixed heap hides from RSS.
      heaps.add(new HeapSample(t, "mix", 1, 40 + t / (double) MINUTE));
    }

    List<Slopes.Flatness> flatness = Slopes.of(samples, heaps, 5 * MINUTE, 7 * MINUTE);

    assertThat(flatness.get(0).rssMiBPerMinute()).isZero();
    assertThat(flatness.get(0).liveHeapMiBPerMinute()).isCloseTo(1.0, within(1e-9));
    assertThat(flatness.get(0).liveHeapMaxMiB()).isEqualTo(60);
    assertThat(flatness.get(0).within(BOUNDS)).isFalse();
    assertThat(flatness.get(1).liveHeapMiBPerMinute()).as("never read").isNaN();
    assertThat(flatness.get(1).within(BOUNDS)).as("a missing figure is no proof").isFalse();
  }

  /** A live heap of 40 MiB, read every minute from {@code fromMillis} to minute 20. */
  private static List<HeapSample> flatHeap(String process, long pid, long fromMillis) {
    List<HeapSample> heaps = new ArrayList<>();
    for (long t = fromMillis; t <= 20 * MINUTE; t += MINUTE) {
      heaps.add(new HeapSample(t, process, pid, 40));
    }
    return heaps;
  }

  @Test
  void residentMemoryIsJudgedOutsideTheHeapWhoseFirstTouchIsNotALeak() {
    List<Sample> touching = new ArrayList<>();
    List<Sample> leaking = new ArrayList<>();
    for (long t = 0; t <= 20 * MINUTE; t += 5_000) {
      double heapTouched = 60 + 2.0 * t / MINUTE; // the collector reaching new heap pages
      touching.add(new Sample(t, "mix", 1, 150 + heapTouched, 90, 30, heapTouched));
      leaking.add(new Sample(t, "mix", 2, 150 + 2.0 * t / MINUTE, 90, 30, 60));
    }
    List<HeapSample> heaps = new ArrayList<>();
    heaps.addAll(flatHeap("mix", 1, 0));
    heaps.addAll(flatHeap("mix", 2, 0));

    List<Slopes.Flatness> touched = Slopes.of(touching, heaps, 5 * MINUTE, 7 * MINUTE);
    List<Slopes.Flatness> leaked = Slopes.of(leaking, heaps, 5 * MINUTE, 7 * MINUTE);

    assertThat(touched.getFirst().rssMiBPerMinute()).isCloseTo(2.0, within(1e-6));
    assertThat(touched.getFirst().outsideHeapMiBPerMinute()).isCloseTo(0.0, within(1e-6));
    assertThat(touched.getFirst().within(BOUNDS)).isTrue();
    assertThat(leaked.getFirst().outsideHeapMiBPerMinute()).isCloseTo(2.0, within(1e-6));
    assertThat(leaked.getFirst().within(BOUNDS)).isFalse();
  }
}
