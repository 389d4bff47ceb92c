package dev.betanet.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.bench.soak.Chaos.Event;
import dev.betanet.bench.soak.SoakLoad.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SoakVerdictTest {

  private static final long MINUTE = 60_000;
  private static final long END = 3 * MINUTE;
  private static final Slopes.Bounds BOUNDS = new Slopes.Bounds(1.5, 0.5, 0.5, 0.25);

  /** Both transports answer in every minute. */
  private final List<Outcome> outcomes = new ArrayList<>();

  private final List<Event> events = new ArrayList<>();
  private final List<Slopes.Flatness> flatness =
      new ArrayList<>(List.of(flat("api+runtime", 1), flat("demo-mix-1-0-0", 2)));
  private final List<LogScan.Traces> traces =
      new ArrayList<>(
          List.of(new LogScan.Traces("default_demo-mix-1-0-0/mixnode.log", 0, List.of(), 3)));

  SoakVerdictTest() {
    for (long t = 0; t < END; t += 10_000) {
      outcomes.add(new Outcome(t, 1_000_000, "mixnet", "GET", SoakLoad.OK));
      outcomes.add(new Outcome(t + 1, 1_000_000, "fallback", "POST", SoakLoad.OK));
    }
  }

  @Test
  void aCleanSoakPassesAndCountsAnswersByTransport() {
    events.add(new Event(MINUTE, Chaos.ROUTER_KILLED, "r"));
    events.add(new Event(MINUTE + 20_000, Chaos.ROUTER_READY, "r"));
    outcomes.add(new Outcome(MINUTE + 1_000, 1_000_000, "?", "GET", "io IOException: closed"));
    outcomes.add(new Outcome(2 * MINUTE, 9_000_000_000L, "mixnet", "GET", "status 504 timeout"));

    SoakVerdict verdict = verdict();

    assertThat(verdict.broken).isEmpty();
    assertThat(verdict.passed()).isTrue();
    assertThat(verdict.answered).isEqualTo(36);
    assertThat(verdict.answeredByTransport)
        .containsEntry("mixnet", 18L)
        .containsEntry("fallback", 18L);
    assertThat(verdict.allowedFailures)
        .containsEntry("router restart: io IOException: closed", 1L)
        .containsEntry("mixnet timeout: status 504 timeout (mixnet)", 1L);
    assertThat(verdict.allowed()).isEqualTo(2);
    assertThat(verdict.unexpected()).isZero();
  }

  @Test
  void aWrongAnswerOrAFailureNoRuleAllowsFails() {
    outcomes.add(new Outcome(MINUTE, 1_000_000, "mixnet", "POST", SoakLoad.WRONG_ANSWER));
    outcomes.add(new Outcome(MINUTE, 1_000_000, "fallback", "GET", "status 502 error"));

    SoakVerdict verdict = verdict();

    assertThat(verdict.passed()).isFalse();
    assertThat(verdict.wrongAnswers).isEqualTo(1);
    assertThat(verdict.unexpectedFailures)
        .containsExactly(java.util.Map.entry("status 502 error (fallback)", 1L));
    assertThat(verdict.broken)
        .containsExactly(
            "1 wrong answers (a 200 whose body was not the exact echo)",
            "failures no rule allows: {status 502 error (fallback)=1}");
  }

  @Test
  void aGrowingProcessAWitnessNotJudgedAndAStackTraceFail() {
    flatness.set(
        0,
        new Slopes.Flatness(
            "api+runtime", 1, 0, END, 36, true, 3.4, 0, 0, 400, 180, 60, 0.1, 90, Double.NaN));
    flatness.set(
        1,
        new Slopes.Flatness(
            "demo-mix-1-0-0",
            2,
            0,
            END,
            36,
            false,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            230,
            96,
            32,
            Double.NaN,
            50,
            Double.NaN));
    traces.add(
        new LogScan.Traces("default_demo-mix-1-1-0/mixnode.log", 7, List.of("ERROR ..."), 0));

    SoakVerdict verdict = verdict();

    assertThat(verdict.broken)
        .containsExactly(
            "api+runtime (pid 1) not flat after warm-up",
            "demo-mix-1-0-0 was not sampled long enough after warm-up to judge flatness",
            "unexpected stack traces in [default_demo-mix-1-1-0/mixnode.log (7)]");
  }

  @Test
  void aGrowingLiveHeapOrOneNotMeasuredFailsThoughRssIsFlat() {
    flatness.set(
        0,
        new Slopes.Flatness(
            "api+runtime", 1, 0, END, 36, true, 0.1, 0, 0, 400, 180, 60, 0.8, 90, Double.NaN));
    flatness.set(
        1,
        new Slopes.Flatness(
            "demo-mix-1-0-0",
            2,
            0,
            END,
            36,
            true,
            0.1,
            0,
            0,
            230,
            96,
            32,
            Double.NaN,
            50,
            Double.NaN));

    SoakVerdict verdict = verdict();

    assertThat(verdict.broken)
        .containsExactly(
            "api+runtime (pid 1) not flat after warm-up",
            "demo-mix-1-0-0 (pid 2) not flat after warm-up");
  }

  @Test
  void aSilentMinuteAMissingTransportAndARouterThatStayedDownFail() {
    outcomes.removeIf(o -> o.transport().equals("fallback") || o.atMillis() / MINUTE == 1);
    events.add(new Event(2 * MINUTE, Chaos.ROUTER_KILLED, "r"));
    events.add(new Event(2 * MINUTE + 30_000, Chaos.ROUTER_READY + " (timed out)", "r"));

    SoakVerdict verdict = verdict();

    assertThat(verdict.broken)
        .containsExactly(
            "no request answered over the fallback",
            "no answer at all in minute 1",
            "the router was not ready again after a kill (150000 ms)");
  }

  private SoakVerdict verdict() {
    return new SoakVerdict(
        outcomes, events, flatness, BOUNDS, Set.of("api+runtime", "demo-mix-1-0-0"), traces, END);
  }

  private static Slopes.Flatness flat(String process, long pid) {
    return new Slopes.Flatness(
        process, pid, 0, END, 36, true, 0.1, 0, 0, 200, 90, 30, 0.1, 60, Double.NaN);
  }
}
