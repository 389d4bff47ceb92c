package dev.betanet.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.bench.soak.Chaos.Event;
import dev.betanet.bench.soak.SoakLoad.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SoakReportTest {

  private static final long MINUTE = 60_000;
  private static final Slopes.Bounds BOUNDS = new Slopes.Bounds(1.5, 0.5, 0.5, 0.25);

  @Test
  void theReportCarriesTheVerdictCountsLatenciesSlopesAndTraces() {
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      // Mixnet answers take i ms, fallback answers 2i ms: p50 50 / 100 ms, max 100 / 200 ms.
      outcomes.add(new Outcome(i * 1_000L, i * 1_000_000L, "mixnet", "GET", SoakLoad.OK));
      outcomes.add(new Outcome(i * 1_000L, 2 * i * 1_000_000L, "fallback", "POST", SoakLoad.OK));
    }
    outcomes.add(new Outcome(30_000, 5_000_000, "?", "GET", "io IOException: closed"));
    List<Event> events =
        List.of(
            new Event(29_000, Chaos.ROUTER_KILLED, "demo-router-0-0"),
            new Event(54_000, Chaos.ROUTER_READY, "demo-router-0-0"),
            new Event(70_000, Chaos.MIXNODE_KILLED, "demo-mix-0-0-0"));
    List<Slopes.Flatness> flatness =
        List.of(
            new Slopes.Flatness(
                "api+runtime",
                1,
                0,
                120_000,
                24,
                true,
                0.25,
                0,
                0.01,
                404,
                181,
                62,
                -0.05,
                88.4,
                0.12),
            new Slopes.Flatness(
                "demo-mix-0-0-0",
                2,
                0,
                70_000,
                14,
                false,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                229,
                96,
                32,
                Double.NaN,
                Double.NaN,
                Double.NaN));
    List<LogScan.Traces> traces =
        List.of(new LogScan.Traces("default_demo-mix-0-0-0/mixnode.log", 0, List.of(), 2));
    SoakVerdict verdict =
        new SoakVerdict(outcomes, events, flatness, BOUNDS, Set.of("api+runtime"), traces, 100_000);

    String md =
        SoakReport.markdown(
            "Setup text.", verdict, outcomes, events, flatness, BOUNDS, MINUTE, traces, "plot.png");

    assertThat(md)
        .startsWith("Setup text.\n\n**Verdict: passed.**")
        .contains("; the router was ready again 25 s after its kills.")
        .contains("| sent | 201 |\n")
        .contains("| answered byte-exact | 200 |\n")
        .contains("| … router restart: io IOException: closed | 1 |\n")
        .contains("| mixnet | 100 | 50 | 95 | 99 | 100 |\n")
        .contains("| fallback | 100 | 100 | 190 | 198 | 200 |\n")
        .contains(
            "| api+runtime | 1 (0) | 404 | +0.25 | +0.12 | 88 | -0.05 | 181 | +0.00 | 62 | +0.01 |\n")
        .contains("| demo-mix-0-0-0 | 1 (1) | 229 | – | – | – | – | 96 | – | 32 | – |\n")
        .contains("Unexpected stack traces in the pods' logs: none.")
        .contains(
            "counted apart as CPU starvation on this shared machine): 2 (default_demo-mix-0-0-0 2).")
        .endsWith("![RSS, file descriptors and latency over the soak](plot.png)\n");
  }
}
