package dev.betanet.operator.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.analysis.MetricsScraper.Result;
import dev.betanet.operator.analysis.MetricsScraper.Scraped;
import dev.betanet.operator.analysis.MetricsScraper.Unreachable;
import dev.betanet.operator.analysis.RequestCounts;
import dev.betanet.operator.analysis.RouterPage;
import dev.betanet.operator.analysis.Window;
import dev.betanet.operator.canary.StepWindows.Observation;
import dev.betanet.operator.canary.StepWindows.Observed;
import dev.betanet.operator.canary.StepWindows.StepWindow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepWindowsTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  @Test
  void sumsWhatEachRouterCountedSinceTheStepBegan() throws Exception {
    StepWindow window = open(scrapes("a", router(100, 1), "b", router(50, 0)));

    Observation observed =
        StepWindows.observe(window, scrapes("a", router(190, 3), "b", router(80, 0))).observation();

    assertThat(ok(observed)).isEqualTo(120);
    assertThat(observed.mixnet().errors()).isEqualTo(2);
    assertThat(observed.answered()).isEqualTo(2);
    assertThat(observed.startedAt()).isEqualTo(T0);
  }

  @Test
  void aRouterThatRestartsMidStepKeepsWhatItHadCounted() throws Exception {
    StepWindow window = open(scrapes("a", router(100, 0)));
    window = StepWindows.observe(window, scrapes("a", router(160, 0))).window();

    // Restarted: counters begin again from zero.
    Observed observed = StepWindows.observe(window, scrapes("a", router(30, 0)));
    assertThat(ok(observed.observation())).isEqualTo(90);
    // And counting on from the restart is not mistaken for a drop from 160.
    assertThat(
            ok(StepWindows.observe(observed.window(), scrapes("a", router(70, 0))).observation()))
        .isEqualTo(130);
  }

  @Test
  void aRouterFirstSeenMidStepJoinsFromThatScrapeAndUnreachableOnesAreListed() throws Exception {
    StepWindow window = open(scrapes("a", router(0, 0), "b", new Unreachable("ConnectException")));

    Observed joined =
        StepWindows.observe(window, scrapes("a", router(10, 0), "b", router(5000, 0)));
    assertThat(ok(joined.observation()))
        .as("b's history before the step is not counted")
        .isEqualTo(10);

    Observation later =
        StepWindows.observe(
                joined.window(),
                scrapes("a", new Unreachable("HttpTimeoutException"), "b", router(5005, 0)))
            .observation();
    assertThat(ok(later)).as("a's counts so far are kept").isEqualTo(15);
    assertThat(later.answered()).isEqualTo(1);
    assertThat(later.total()).isEqualTo(2);
    assertThat(later.unreachable()).containsExactly("a: HttpTimeoutException");
  }

  @Test
  void aWindowJudgesOnlyItsOwnStep() throws Exception {
    StepWindow window = open(scrapes("a", router(0, 0)));

    assertThat(window.judges(10, T0)).isTrue();
    assertThat(window.judges(25, T0)).as("another weight").isFalse();
    assertThat(window.judges(10, T0.plusSeconds(1))).as("the same weight, resumed").isFalse();
  }

  @Test
  void aRecordedWindowReadBackCountsOnExactlyAsTheOriginal() throws Exception {
    StepWindow window =
        StepWindows.observe(
                open(scrapes("a", router(100, 1), "b", router(7, 0))),
                scrapes("a", router(160, 4), "b", router(2, 0)))
            .window();

    StepWindow readBack = WindowRecords.read(WindowRecords.record(window)).orElseThrow();

    assertThat(readBack.startedAt()).isEqualTo(T0);
    assertThat(readBack.judges(10, T0)).isTrue();
    Map<String, Result> next = scrapes("a", router(200, 4), "b", router(3, 1));
    assertThat(StepWindows.observe(readBack, next).observation())
        .isEqualTo(StepWindows.observe(window, next).observation());
    assertThat(ok(StepWindows.observe(readBack, next).observation()))
        .as("a: 60 + 40; b restarted: 2 + 1")
        .isEqualTo(103);
  }

  private static StepWindow open(Map<String, Result> scrapes) {
    return StepWindows.open(10, T0, scrapes, T0);
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

  /** Served mixnet requests: the direct provider's window is the routers' own counts. */
  private static double ok(Observation observation) {
    return ((Window) observation.mixnet()).ok();
  }
}
