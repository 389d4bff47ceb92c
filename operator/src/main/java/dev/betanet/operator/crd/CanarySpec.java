package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * The canary split between mixnet and fallback. Today the operator publishes {@link #weight}
 * directly; stepping through {@link #steps} with analysis is the canary progression's job.
 */
public class CanarySpec {

  @JsonPropertyDescription("Percent of new flows sent through the mixnet, 0 to 100.")
  @Min(0)
  @Max(100)
  @Default("0")
  public int weight = 0;

  @JsonPropertyDescription("Weights the canary progression walks through, ascending, each 1..100.")
  public List<Integer> steps = new ArrayList<>(List.of(5, 25, 50, 100));

  @JsonPropertyDescription("How long each step is observed before the next, e.g. 5m.")
  @Pattern(MixnetClusterSpec.DURATION_PATTERN)
  @Default("5m")
  public String stepInterval = "5m";

  @JsonPropertyDescription("Limits a step must stay within.")
  public CanaryAnalysisSpec analysis = new CanaryAnalysisSpec();

  @JsonPropertyDescription("Return to weight 0 on its own when a step breaches the limits.")
  @Default("true")
  public boolean autoRollback = true;

  @JsonPropertyDescription("Hold the progression at its current step.")
  @Default("false")
  public boolean paused = false;

  @JsonPropertyDescription("Skip the remaining steps and go to 100.")
  @Default("false")
  public boolean promote = false;
}
