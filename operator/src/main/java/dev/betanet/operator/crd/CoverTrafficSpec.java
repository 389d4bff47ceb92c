package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Cover (dummy) traffic, which hides when real traffic flows. */
public class CoverTrafficSpec {

  @JsonPropertyDescription("Mean cover packets per second each node emits; 0 disables them.")
  @Min(0)
  @Max(1000)
  @Default("0")
  public int rate = 0;
}
