package dev.betanet.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusScreenTest {

  private static final Instant NOW = Instant.parse("2026-12-01T14:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  /** A cluster in the middle of a canary walk, as the operator reports it. */
  static final String PROGRESSING =
      """
      {"apiVersion": "betanet.dev/v1alpha1", "kind": "MixnetCluster",
       "metadata": {"name": "demo", "namespace": "mixnet", "generation": 3},
       "spec": {"mixnodes": {"layers": 3, "nodesPerLayer": 2},
                "canary": {"weight": 100, "steps": [10, 25, 50, 100], "stepInterval": "5m",
                           "paused": false, "promote": false,
                           "analysis": {"maxErrorRate": 0.05, "maxP95Latency": "500ms",
                                        "minSamples": 100}}},
       "status": {"observedGeneration": 3, "phase": "Running",
                  "conditions": [
                    {"type": "Ready", "status": "True", "reason": "AllNodesReady",
                     "message": "6 of 6 mixnodes and 1 of 1 routers ready",
                     "lastTransitionTime": "2026-12-01T12:00:00Z"},
                    {"type": "CanaryHealthy", "status": "True", "reason": "Healthy",
                     "message": "mixnet error rate 0.40% over 1240 requests",
                     "lastTransitionTime": "2026-12-01T13:55:50Z"}],
                  "readyMixnodes": 6, "desiredMixnodes": 6, "readyRouters": 1, "desiredRouters": 1,
                  "topologyEpoch": 7, "canaryWeight": 25, "keyEpoch": 3,
                  "keysRotatedAt": "2026-12-01T11:30:00Z",
                  "canary": {"desiredWeight": 100, "currentWeight": 25, "lastGoodWeight": 10,
                             "phase": "Progressing", "currentStep": 2, "totalSteps": 4,
                             "stepStartedAt": "2026-12-01T13:55:50Z",
                             "message": "observing weight 25 (step 2 of 4) for 5m of healthy metrics; target 100",
                             "lastAnalysis": {"time": "2026-12-01T13:59:48Z", "weight": 25,
                                              "reason": "Healthy",
                                              "windowStartedAt": "2026-12-01T13:55:50Z",
                                              "message": "mixnet error rate 0.40%, p95 0.182 s over 1240 requests",
                                              "routersAnswered": 1, "routersTotal": 1, "unreachable": [],
                                              "mixnet": {"samples": 1240, "errors": 5, "errorRate": 0.004,
                                                         "p95Seconds": 0.182},
                                              "fallback": {"samples": 3002, "errors": 0, "errorRate": 0.0,
                                                           "p95Seconds": 0.04}}}}}
      """;

  @Test
  void rendersAProgressingCanaryInWords() throws Exception {
    assertThat(StatusScreen.render(json(PROGRESSING), NOW))
        .containsExactly(
            "MixnetCluster mixnet/demo  (generation 3, status of generation 3)",
            "Phase:              Running",
            "Conditions:",
            "  TYPE           STATUS  REASON         AGE    MESSAGE",
            "  Ready          True    AllNodesReady  120m   6 of 6 mixnodes and 1 of 1 routers ready",
            "  CanaryHealthy  True    Healthy        4m10s  mixnet error rate 0.40% over 1240 requests",
            "Canary:             Progressing, step 2 of 4",
            "  weight:           25 % in force, 100 % desired, 10 % last good",
            "  spec:             weight 100 %, steps 10 → 25 → 50 → 100, every 5m, paused no,"
                + " promote no",
            "  step started:     4m10s ago",
            "  message:          observing weight 25 (step 2 of 4) for 5m of healthy metrics;"
                + " target 100",
            "  last analysis:    12s ago, weight 25 %, window 3m58s, 1 of 1 routers answered",
            "    mixnet:         error rate 0.4 % (limit 5 %), p95 182 ms (limit 500 ms),"
                + " 1,240 requests — healthy",
            "    fallback:       error rate 0 %, p95 40 ms, 3,002 requests",
            "    operator says:  mixnet error rate 0.40%, p95 0.182 s over 1240 requests",
            "Nodes:",
            "  mixnodes:         6 of 6 ready, 3 layers of 2",
            "  routers:          1 of 1 ready",
            "Epochs:",
            "  topology:         7",
            "  keys:             3, rotated 150m ago");
  }

  @Test
  void showsADashForEveryFieldAStatusLacks() throws Exception {
    JsonNode bare =
        json(
            """
            {"metadata": {"name": "fresh", "namespace": "default", "generation": 1},
             "spec": {"canary": {"weight": 0}}}
            """);
    assertThat(StatusScreen.render(bare, NOW))
        .containsExactly(
            "MixnetCluster default/fresh  (generation 1, status of generation —)",
            "No status yet: the operator has not reported on this cluster (is it running?).",
            "Phase:              —",
            "Conditions:         —",
            "Canary:             —",
            "  spec:             weight 0 %, steps none, every —, paused —, promote —",
            "Nodes:",
            "  mixnodes:         — of — ready, — layers of —",
            "  routers:          — of — ready",
            "Epochs:",
            "  topology:         —",
            "  keys:             —, rotated —");
  }

  @Test
  void readsFieldsOfTheWrongTypeOrUnknownReasonsWithoutFailing() throws Exception {
    JsonNode odd =
        json(
            """
            {"metadata": {"name": "odd", "namespace": "default"},
             "status": {"phase": {"nested": true}, "conditions": [{"type": "Ready"}],
                        "canary": {"phase": "SomethingNew", "currentWeight": "ten",
                                   "stepStartedAt": "yesterday",
                                   "window": {"startedAt": "2026-12-01T13:58:00Z", "weight": 25,
                                              "routers": [{"pod": "demo-router-0-0"}]},
                                   "lastAnalysis": {"reason": "BrandNewReason",
                                                    "mixnet": {"samples": 1}}}}}
            """);
    assertThat(StatusScreen.render(odd, NOW))
        .contains(
            "Phase:              —",
            "  TYPE   STATUS  REASON  AGE  MESSAGE",
            "  Ready  —       —       —    —",
            "Canary:             SomethingNew, step — of —",
            "  weight:           — in force, — desired, — last good",
            "  step started:     —",
            "  window:           since 2m ago, weight 25 %, counting 1 router",
            "  last analysis:    —, weight —, window —, — of — routers answered",
            "    mixnet:         error rate — (limit 1 %), p95 — (limit 2 s), 1 request"
                + " — BrandNewReason",
            "    fallback:       error rate —, p95 —, — requests");
  }

  @Test
  void namesTheVerdictOfEachAnalysisReason() {
    JsonNode limits = JSON.createObjectNode().put("minSamples", 1500);
    assertThat(AnalysisWords.verdict("InsufficientSamples", limits))
        .isEqualTo("too few requests to judge (1,500 needed)");
    assertThat(AnalysisWords.verdict("ErrorRateExceeded", limits))
        .isEqualTo("error rate over the limit");
    assertThat(AnalysisWords.verdict("LatencyExceeded", limits)).isEqualTo("p95 over the limit");
    assertThat(AnalysisWords.verdict("RouterUnreachable", limits))
        .isEqualTo("not judged: a router did not answer");
    assertThat(AnalysisWords.verdict(null, limits)).isEqualTo("—");
  }
}
