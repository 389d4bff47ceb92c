package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** One key of a Secret in the cluster's namespace. */
public class SecretKeyReference {

  @JsonPropertyDescription("Name of the Secret.")
  @Required
  public String name;

  @JsonPropertyDescription("Key within the Secret's data.")
  @Required
  public String key;
}
