package dev.betanet.operator.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.betanet.operator.analysis.RequestCounts.TransportCounts;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WindowTest {

  @Test
  void countsOnlyWhatHappenedBetweenTwoScrapes() {
    TransportCounts before = counts(100, 5, 80, 105);
    TransportCounts after = counts(150, 7, 120, 157);

    Window window = Window.between(before, after);

    assertThat(window.ok()).isEqualTo(50);
    assertThat(window.errors()).isEqualTo(2);
    assertThat(window.samples()).isEqualTo(52);
    assertThat(window.buckets())
        .containsEntry(0.1, 40.0)
        .containsEntry(Double.POSITIVE_INFINITY, 52.0);
  }

  @Test
  void treatsACounterThatWentDownAsARestartedRouter() {
    Window window = Window.between(counts(500, 9, 400, 509), counts(20, 1, 15, 21));

    assertThat(window.ok()).isEqualTo(20);
    assertThat(window.errors()).isEqualTo(1);
  }

  @Test
  void interpolatesTheP95InsideItsBucketAsPrometheusDoes() {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    buckets.put(0.1, 50.0);
    buckets.put(0.2, 90.0);
    buckets.put(0.5, 100.0);
    buckets.put(Double.POSITIVE_INFINITY, 100.0);

    // rank 95 lies halfway through the 10 requests between 0.2 s and 0.5 s
    assertThat(new Window(100, 0, buckets).quantileSeconds(0.95)).isCloseTo(0.35, within(1e-9));
    assertThat(new Window(100, 0, buckets).quantileSeconds(0.25)).isCloseTo(0.05, within(1e-9));
  }

  @Test
  void reportsTheLargestFiniteBoundForAQuantileInTheOpenBucket() {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    buckets.put(1.0, 10.0);
    buckets.put(Double.POSITIVE_INFINITY, 100.0);

    assertThat(new Window(100, 0, buckets).quantileSeconds(0.95)).isEqualTo(1.0);
    assertThat(Window.EMPTY.quantileSeconds(0.95)).isNaN();
  }

  @Test
  void addsWindowsOfSeveralRouters() {
    Window sum =
        Window.between(null, counts(10, 1, 5, 11))
            .plus(Window.between(null, counts(20, 2, 10, 22)));

    assertThat(sum.samples()).isEqualTo(33);
    assertThat(sum.buckets()).containsEntry(0.1, 15.0);
    assertThat(sum.errorRate()).isCloseTo(3.0 / 33, within(1e-9));
  }

  private static TransportCounts counts(double ok, double errors, double under100ms, double total) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    buckets.put(0.1, under100ms);
    buckets.put(Double.POSITIVE_INFINITY, total);
    return new TransportCounts(ok, errors, buckets);
  }
}
