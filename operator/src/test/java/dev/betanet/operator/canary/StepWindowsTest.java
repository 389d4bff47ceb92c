package dev.betanet.operator.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.analysis.MetricsScraper.Result;
import dev.betanet.operator.analysis.MetricsScraper.Scraped;
import dev.betanet.operator.analysis.MetricsScraper.Unreachable;
import dev.betanet.operator.analysis.RequestCounts;
import dev.betanet.operator.analysis.RouterPage;
import dev.betanet.operator.canary.StepWindows.Key;
import dev.betanet.operator.canary.StepWindows.Observation;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepWindowsTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Key STEP = new Key("uid-1", 10, T0);

  private final StepWindows windows = new StepWindows();

  @Test
  void sumsWhatEachRouterCountedSinceTheStepBegan() throws Exception {
    windows.open(STEP, scrapes("a", router(100, 1), "b", router(50, 0)), T0);

    Observation observed =
        windows.observe(STEP, scrapes("a", router(190, 3), "b", router(80, 0)), T0.plusSeconds(5));

    assertThat(observed.mixnet().ok()).isEqualTo(120);
    assertThat(observed.mixnet().errors()).isEqualTo(2);
    assertThat(observed.answered()).isEqualTo(2);
    assertThat(observed.startedAt()).isEqualTo(T0);
  }

  @Test
  void aRouterThatRestartsMidStepKeepsWhatItHadCounted() throws Exception {
    windows.open(STEP, scrapes("a", router(100, 0)), T0);
    windows.observe(STEP, scrapes("a", router(160, 0)), T0.plusSeconds(1));

    // Restarted: counters begin again from zero.
    Observation observed = windows.observe(STEP, scrapes("a", router(30, 0)), T0.plusSeconds(2));
    assertThat(observed.mixnet().ok()).isEqualTo(90);
    // And counting on from the restart is not mistaken for a drop from 160.
    assertThat(windows.observe(STEP, scrapes("a", router(70, 0)), T0.plusSeconds(3)).mixnet().ok())
        .isEqualTo(130);
  }

  @Test
  void aRouterFirstSeenMidStepJoinsFromThatScrapeAndUnreachableOnesAreListed() throws Exception {
    windows.open(STEP, scrapes("a", router(0, 0), "b", new Unreachable("ConnectException")), T0);

    Map<String, Result> second = scrapes("a", router(10, 0), "b", router(5000, 0));
    Observation joined = windows.observe(STEP, second, T0.plusSeconds(1));
    assertThat(joined.mixnet().ok()).as("b's history before the step is not counted").isEqualTo(10);

    Observation later =
        windows.observe(
            STEP,
            scrapes("a", new Unreachable("HttpTimeoutException"), "b", router(5005, 0)),
            T0.plusSeconds(2));
    assertThat(later.mixnet().ok()).as("a's counts so far are kept").isEqualTo(15);
    assertThat(later.answered()).isEqualTo(1);
    assertThat(later.total()).isEqualTo(2);
    assertThat(later.unreachable()).containsExactly("a: HttpTimeoutException");
  }

  @Test
  void aNewStepIsANewWindow() throws Exception {
    windows.open(STEP, scrapes("a", router(0, 0)), T0);
    windows.observe(STEP, scrapes("a", router(100, 0)), T0.plusSeconds(1));

    Key next = new Key("uid-1", 25, T0.plusSeconds(1));
    assertThat(windows.isOpen(next)).isFalse();
    Observation fresh = windows.observe(next, scrapes("a", router(150, 0)), T0.plusSeconds(2));
    assertThat(fresh.mixnet().ok()).isZero();
    assertThat(fresh.startedAt()).isEqualTo(T0.plusSeconds(2));
    assertThat(windows.isOpen(STEP)).isFalse();
  }

  /** A router's page (the recorded real one) that has counted {@code ok} and {@code errors}. */
  private static Result router(long ok, long errors) {
    RouterPage page = RouterPage.recorded().zeroed();
    page.set(RequestCounts.REQUESTS, mixnet(RequestCounts.OK), ok);
    page.set(RequestCounts.REQUESTS, mixnet("error"), errors);
    return new Scraped(RequestCounts.from(page.scrape()));
  }

  private static Map<String, String> mixnet(String outcome) {
    return Map.of("transport", RequestCounts.MIXNET, "outcome", outcome);
  }

  private static Map<String, Result> scrapes(Object... podsAndResults) {
    Map<String, Result> scrapes = new LinkedHashMap<>();
    for (int i = 0; i < podsAndResults.length; i += 2) {
      scrapes.put((String) podsAndResults[i], (Result) podsAndResults[i + 1]);
    }
    return scrapes;
  }
}
