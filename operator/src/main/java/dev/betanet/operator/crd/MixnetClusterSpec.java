package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** What the user asks for. Minimal for now; the operator issue grows it. */
public class MixnetClusterSpec {

  @JsonPropertyDescription("Number of mix layers a packet crosses.")
  @Min(1)
  @Max(5)
  private int layers = 3;

  public int getLayers() {
    return layers;
  }

  public void setLayers(int layers) {
    this.layers = layers;
  }
}
