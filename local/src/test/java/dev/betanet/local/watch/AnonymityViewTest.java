package dev.betanet.local.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.junit.jupiter.api.Test;

class AnonymityViewTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void showsEachLayersEntropyTheWeakestAndTheCoverInForce() throws Exception {
    JsonNode status =
        JSON.readTree(
            """
            {"conditions": [{"type": "AnonymityHealthy", "status": "False"}],
             "anonymity": {"weakestLayer": 1, "weakestEntropyBits": 0.8312,
               "cover": {"mode": "adaptive", "ratePerSecond": 17, "reason": "Raised"},
               "layers": [
                 {"layer": 0, "entropyBits": 2.41, "poolMeanPackets": 3.0, "coverShare": 0.125,
                  "nodesRead": 2, "nodesReady": 2},
                 {"layer": 1, "entropyBits": 0.8312, "poolMeanPackets": 1.0,
                  "nodesRead": 1, "nodesReady": 2}]}}
            """);

    String view = AnonymityView.render(status, JSON.readTree("2.0"));

    assertThat(view.lines())
        .containsExactly(
            "anonymity weakest layer 1 at 0.83 bits   minimum 2.00 bits   AnonymityHealthy False"
                + "   cover adaptive 17/s (Raised)",
            "  layer       entropy       pool    cover    nodes",
            "  0         2.41 bits        3.0      13%      2/2",
            "  1         0.83 bits        1.0        -      1/2");
  }

  @Test
  void saysSoWhenTheOperatorHasNotMeasuredOrALayerIsUnknown() throws Exception {
    assertThat(AnonymityView.render(JSON.readTree("{}"), MissingNode.getInstance()))
        .startsWith("anonymity (no status.anonymity yet");
    JsonNode unknown =
        JSON.readTree(
            """
            {"anonymity": {"layers": [{"layer": 0, "nodesRead": 0, "nodesReady": 0}],
                           "cover": {"mode": "fixed", "ratePerSecond": 0, "reason": "Fixed"}}}
            """);
    assertThat(AnonymityView.render(unknown, MissingNode.getInstance()))
        .startsWith("anonymity weakest unknown (a layer not measured)   minimum default")
        .contains("  0                 -          -        -      0/0");
  }
}
