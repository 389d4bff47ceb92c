package dev.betanet.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeapGrowthTest {

  private static LiveHeap.Reading reading(Map<String, Long> byClass) {
    return new LiveHeap.Reading(
        byClass.values().stream().mapToLong(Long::longValue).sum(), byClass);
  }

  @Test
  void namesTheClassesThatGrewMostSinceWarmUp() {
    HeapGrowth growth = new HeapGrowth(60_000);
    growth.record("api", 7, 30_000, reading(Map.of("[B", 1L << 30))); // warm-up: not the baseline
    growth.record("api", 7, 60_000, reading(Map.of("[B", 1024L, "Event", 2048L, "Gone", 4096L)));
    growth.record(
        "api", 7, 180_000, reading(Map.of("[B", 1024L * 101, "Event", 2048L * 3, "New", 10240L)));

    String md = growth.markdown(List.of("api"), 2);

    assertThat(md)
        .contains("- api, live heap 0.0 → 0.1 MiB over 2.0 min: `[B` +100 KiB, `New` +10 KiB\n");
  }

  @Test
  void aRestartedProcessStartsAgainFromItsNewIncarnation() {
    HeapGrowth growth = new HeapGrowth(0);
    growth.record("node", 1, 0, reading(Map.of("[B", 1024L)));
    growth.record("node", 1, 60_000, reading(Map.of("[B", 1024L * 50)));
    growth.record("node", 2, 120_000, reading(Map.of("[B", 1024L * 2)));

    assertThat(growth.markdown(List.of("node"), 3)).isEmpty();

    growth.record("node", 2, 180_000, reading(Map.of("[B", 1024L * 5)));
    assertThat(growth.markdown(List.of("node"), 3)).contains("`[B` +3 KiB");
  }
}
