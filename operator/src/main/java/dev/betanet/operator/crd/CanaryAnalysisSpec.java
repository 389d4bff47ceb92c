package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** The limits one canary step is judged against. */
public class CanaryAnalysisSpec {

  @JsonPropertyDescription("Highest share of failed mixnet requests, 0 to 1 (0.01 = 1%).")
  @Min(0)
  @Max(1)
  @Default("0.01")
  public double maxErrorRate = 0.01;

  @JsonPropertyDescription("Highest 95th-percentile mixnet request latency, e.g. 2s.")
  @Pattern(MixnetClusterSpec.DURATION_PATTERN)
  @Default("2s")
  public String maxP95Latency = "2s";

  @JsonPropertyDescription("Requests a step must see before it can be judged.")
  @Min(1)
  @Max(1000000)
  @Default("100")
  public int minSamples = 100;

  @JsonPropertyDescription(
      "Where the routers' request metrics come from: direct (the operator scrapes each router)"
          + " or prometheus (PromQL against prometheus.address).")
  @Default("direct")
  public AnalysisProvider provider = AnalysisProvider.DIRECT;

  @JsonPropertyDescription("The Prometheus server asked when provider is prometheus.")
  public PrometheusProviderSpec prometheus;

  @JsonPropertyDescription(
      "Lowest departure entropy, in bits, of the weakest mix layer (status.anonymity): a step"
          + " advances only after a full stepInterval at or above it; below it the step holds"
          + " (never rolls back). 2 bits: a departure hides among about 4 packets. 0 turns the"
          + " gate off.")
  @Min(0)
  @Max(16)
  @Default("2")
  public double minEntropyBits = 2;
}
