package dev.betanet.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

  private static final Instant T0 = Instant.parse("2026-11-25T06:00:00Z");
  private static final Instant T1 = T0.plusSeconds(30);

  @Test
  void transitionTimeMovesOnlyWhenTheStatusFlips() {
    List<Condition> c = Conditions.set(List.of(), "Ready", false, "NodesNotReady", "a", 1, T0);
    c = Conditions.set(c, "Ready", false, "NodesNotReady", "b", 2, T1);
    Condition ready = Conditions.find(c, "Ready").orElseThrow();
    assertThat(ready.getLastTransitionTime()).isEqualTo(T0.toString());
    assertThat(ready.getMessage()).isEqualTo("b");
    assertThat(ready.getObservedGeneration()).isEqualTo(2);

    c = Conditions.set(c, "Ready", true, "AllNodesReady", "ok", 2, T1);
    assertThat(Conditions.find(c, "Ready").orElseThrow().getLastTransitionTime())
        .isEqualTo(T1.toString());
    assertThat(Conditions.isTrue(c, "Ready")).isTrue();
  }

  @Test
  void keepsOneConditionPerTypeAndOthersUntouched() {
    List<Condition> c = Conditions.set(List.of(), "Ready", false, "X", "m", 1, T0);
    c = Conditions.set(c, "MixnodesReady", true, "AllReady", "m", 1, T0);
    c = Conditions.set(c, "Ready", true, "AllNodesReady", "m", 1, T1);
    assertThat(c).extracting(Condition::getType).containsExactly("MixnodesReady", "Ready");
  }
}
