package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;

/** The mix layers. */
public class MixnodesSpec {

  @JsonPropertyDescription("Number of mix layers a packet crosses.")
  @Min(1)
  @Max(5)
  @Default("3")
  public int layers = 3;

  @JsonPropertyDescription("Mixnodes in each layer.")
  @Min(1)
  @Max(50)
  @Default("2")
  public int nodesPerLayer = 2;

  @JsonPropertyDescription("Mixnode container image.")
  @Default("betanet/mixnode:0.1.0-SNAPSHOT")
  public String image = "betanet/mixnode:0.1.0-SNAPSHOT";

  @JsonPropertyDescription("Resources of each mixnode container.")
  public ResourceRequirements resources;

  @JsonPropertyDescription("Mean of the exponential per-hop delay, e.g. 50ms; 0ms disables it.")
  @Pattern(MixnetClusterSpec.DURATION_PATTERN)
  @Default("50ms")
  public String meanDelay = "50ms";

  @JsonPropertyDescription(
      "SURB counts an entry router may send with a request, published in the signed topology"
          + " (mixing.surbBuckets): every entry rounds what it expects a response to need up to one"
          + " of these, so the count an exit sees names a size class shared by every entry, not"
          + " the entry. 1 to 8 values, strictly ascending, each 1..1024. Absent: [1, 4, 16, 64].")
  public List<Integer> surbBuckets;

  @JsonPropertyDescription("Bytes in every packet of the cluster.")
  @Min(512)
  @Max(65536)
  @Default("2048")
  public int packetSize = 2048;

  @JsonPropertyDescription(
      "Operator-declared family of these mixnodes (a path never holds two nodes of one family);"
          + " empty when unknown.")
  @Pattern("^[a-z0-9-]{0,63}$")
  public String family = "";

  @JsonPropertyDescription("Failure zone of these mixnodes; empty when unknown.")
  @Pattern("^[a-z0-9-]{0,63}$")
  public String zone = "";
}
