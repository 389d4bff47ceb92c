package dev.betanet.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.bench.soak.Chaos.Event;
import dev.betanet.bench.soak.SoakLoad.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureRulesTest {

  private static final long KILL = 60_000;
  private static final long READY = 90_000;

  private final FailureRules rules =
      new FailureRules(
          List.of(
              new Event(KILL, Chaos.ROUTER_KILLED, "demo-router-0-0"),
              new Event(READY, Chaos.ROUTER_READY, "demo-router-0-0")),
          600_000);

  @Test
  void anythingFromARouterKillUntilItsGraceAfterReadyIsARouterRestart() {
    assertThat(rules.allowedBy(failed(KILL, 5, "?", "io IOException"))).isEqualTo("router restart");
    assertThat(rules.allowedBy(failed(READY + FailureRules.ROUTER_GRACE_MILLIS, 5, "?", "x")))
        .isEqualTo("router restart");
    // Sent before the kill, still waiting when it came.
    assertThat(rules.allowedBy(failed(KILL - 3_000, 4_000, "fallback", "status 502 error")))
        .isEqualTo("router restart");
  }

  @Test
  void outsideTheWindowOnlyAMixnetTimeoutIsAllowed() {
    long after = READY + FailureRules.ROUTER_GRACE_MILLIS + 1;
    assertThat(rules.allowedBy(failed(after, 5, "?", "io IOException"))).isNull();
    assertThat(rules.allowedBy(failed(KILL - 3_000, 2_999, "?", "io IOException")))
        .as("ended just before the kill")
        .isNull();
    assertThat(rules.allowedBy(failed(after, 30_000, "mixnet", "status 504 timeout")))
        .isEqualTo("mixnet timeout");
    assertThat(rules.allowedBy(failed(after, 30_000, "fallback", "status 504 timeout")))
        .as("the tunnel has no lost packets to excuse")
        .isNull();
    assertThat(rules.allowedBy(failed(after, 30_000, "mixnet", "status 502 error"))).isNull();
  }

  @Test
  void aRouterThatNeverCameBackExcusesEverythingToTheEnd() {
    FailureRules never =
        new FailureRules(List.of(new Event(KILL, Chaos.ROUTER_KILLED, "demo-router-0-0")), 600_000);

    assertThat(never.allowedBy(failed(599_000, 5, "?", "io IOException")))
        .isEqualTo("router restart");
    assertThat(never.allowedBy(failed(KILL - 1_000, 5, "?", "io IOException"))).isNull();
  }

  private static Outcome failed(long atMillis, long millis, String transport, String result) {
    return new Outcome(atMillis, millis * 1_000_000, transport, "GET", result);
  }
}
