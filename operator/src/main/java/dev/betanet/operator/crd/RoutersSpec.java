package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.List;

/** The entry/exit routers. */
public class RoutersSpec {

  @JsonPropertyDescription("Number of routers; each has its own identity and keys.")
  @Min(1)
  @Max(20)
  @Default("1")
  public int replicas = 1;

  @JsonPropertyDescription("Router container image.")
  @Default("betanet/router:0.1.0-SNAPSHOT")
  public String image = "betanet/router:0.1.0-SNAPSHOT";

  @JsonPropertyDescription("Resources of each router container.")
  public ResourceRequirements resources;

  @JsonPropertyDescription(
      ".fog services hosted by the routers; service i is hosted by router i modulo replicas.")
  public List<FogServiceSpec> services = new ArrayList<>();
}
