package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Cover (dummy) traffic, which hides when real traffic flows. */
public class CoverTrafficSpec {

  @JsonPropertyDescription(
      "Mean cover packets per second each node emits; 0 disables them. In adaptive mode, where the"
          + " operator starts from.")
  @Min(0)
  @Max(1000)
  @Default("0")
  public int rate = 0;

  @JsonPropertyDescription(
      "fixed: publish rate as written. adaptive: the operator raises or lowers the published rate,"
          + " at most maxRate, so the weakest mix layer's departure entropy stays at"
          + " targetEntropyBits (docs/anonymity.md).")
  @Default("fixed")
  public CoverTrafficMode mode = CoverTrafficMode.FIXED;

  @JsonPropertyDescription(
      "Adaptive mode: the departure entropy, in bits, the weakest mix layer is kept at (3 bits:"
          + " a departure hides among about 8 packets).")
  @Min(0)
  @Max(16)
  @Default("3")
  public double targetEntropyBits = 3;

  @JsonPropertyDescription(
      "Adaptive mode: the highest cover rate (packets per second per node) the operator publishes.")
  @Min(1)
  @Max(1000)
  @Default("50")
  public int maxRate = 50;
}
