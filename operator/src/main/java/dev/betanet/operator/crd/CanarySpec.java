package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * The canary split between mixnet and fallback. Without {@link #steps} the operator publishes
 * {@link #weight} at once; with steps it walks up to it, judging each step by the routers' metrics
 * ({@code CanaryProgression}).
 */
public class CanarySpec {

  @JsonPropertyDescription(
      "Percent of new flows sent through the mixnet, 0 to 100: the target the progression walks"
          + " to.")
  @Min(0)
  @Max(100)
  @Default("0")
  public int weight = 0;

  @JsonPropertyDescription(
      "Weights the progression walks through on its way up to weight, ascending, each 1..100;"
          + " steps at or above weight are skipped. Empty: weight applies at once.")
  public List<Integer> steps = new ArrayList<>();

  @JsonPropertyDescription(
      "How long each step is observed, with healthy metrics, before the next, e.g. 5m or 30s.")
  @Pattern(MixnetClusterSpec.DURATION_PATTERN)
  @Default("5m")
  public String stepInterval = "5m";

  @JsonPropertyDescription("Limits a step must stay within.")
  public CanaryAnalysisSpec analysis = new CanaryAnalysisSpec();

  @JsonPropertyDescription(
      "When a step breaches the limits, return on its own to the last good weight (or 0) and stop"
          + " until the spec changes; false: hold the step and report.")
  @Default("true")
  public boolean autoRollback = true;

  @JsonPropertyDescription("Hold the weight where it is (lowering weight still applies at once).")
  @Default("false")
  public boolean paused = false;

  @JsonPropertyDescription("Skip the remaining steps and analysis: apply weight at once.")
  @Default("false")
  public boolean promote = false;
}
