package dev.betanet.local.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanaryTextTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String CANARY =
      """
      {"phase":"Progressing","currentStep":1,"totalSteps":2,"currentWeight":10,
       "desiredWeight":50,"lastGoodWeight":0,"message":"holding weight 10 for 1m",
       "lastAnalysis":{"time":"2026-12-01T12:01:00Z","weight":10,"reason":"Healthy",
         "message":"mixnet error rate 0.0040 over 1240 requests",
         "windowStartedAt":"2026-12-01T12:00:00Z","routersAnswered":2,"routersTotal":2,
         "mixnet":{"samples":1240,"errors":5,"errorRate":0.004032,"p95Seconds":0.1824},
         "fallback":{"samples":1,"errors":0,"errorRate":0.0,"p95Seconds":0.02}}}
      """;

  @Test
  void theLastAnalysisIsWords() throws Exception {
    JsonNode canary = JSON.readTree(CANARY);
    assertThat(
            CanaryText.lastAnalysis(
                canary.path("lastAnalysis"), Instant.parse("2026-12-01T12:01:12Z")))
        .isEqualTo(
            "healthy at weight 10 %, 12 s ago — mixnet: error rate 0.4 %, p95 182 ms, 1,240"
                + " samples; fallback: error rate 0.0 %, p95 20 ms, 1 sample; window 60 s from"
                + " 12:00:00 UTC, 2 of 2 routers answered");
    assertThat(CanaryText.progression(canary))
        .isEqualTo("Progressing, step 1 of 2, last good 0 %: holding weight 10 for 1m");
  }

  @Test
  void missingNumbersAreDashesAndAnUnknownVerdictIsShownAsIs() throws Exception {
    JsonNode analysis =
        JSON.readTree(
            """
            {"time":"2026-12-01T12:01:00Z","weight":50,"reason":"SomethingNew",
             "mixnet":{"samples":0,"errors":0,"errorRate":0.0}}
            """);
    assertThat(CanaryText.lastAnalysis(analysis, Instant.parse("2026-12-01T12:04:00Z")))
        .isEqualTo(
            "SomethingNew at weight 50 %, 3 min 0 s ago — mixnet: error rate 0.0 %, p95 -, 0"
                + " samples; fallback: -; window -, - of - routers answered");
    assertThat(CanaryText.lastAnalysis(JSON.missingNode(), Instant.now())).isEqualTo("none yet");
  }

  @Test
  void theScreenShowsNoJson() throws Exception {
    GenericKubernetesResource cluster =
        JSON.treeToValue(
            JSON.readTree(
                """
                {"apiVersion":"betanet.dev/v1alpha1","kind":"MixnetCluster",
                 "metadata":{"name":"demo","namespace":"default"},
                 "spec":{"canary":{"weight":50}},
                 "status":{"phase":"Ready","canaryWeight":10,"canary":%s}}
                """
                    .formatted(CANARY)),
            GenericKubernetesResource.class);
    String screen =
        WatchMain.render(
            "default",
            "demo",
            new WatchMain.Snapshot(cluster, List.of(), null, null),
            new ArrayDeque<>());
    assertThat(screen)
        .contains("last analysis healthy at weight 10 %")
        .contains("mixnet: error rate 0.4 %, p95 182 ms, 1,240 samples")
        .doesNotContain("{")
        .doesNotContain("\"");
  }
}
