package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** The Prometheus server the canary analysis asks when {@code provider: prometheus}. */
public class PrometheusProviderSpec {

  @JsonPropertyDescription(
      "Base URL of the Prometheus HTTP API, e.g. http://prometheus.monitoring:9090 (no"
          + " credentials in it: use bearerTokenSecret).")
  @Pattern("^https?://.+")
  public String address;

  @JsonPropertyDescription(
      "Secret in the cluster's namespace holding a bearer token sent to Prometheus; optional.")
  public SecretKeyReference bearerTokenSecret;

  @JsonPropertyDescription(
      "PromQL replacing the default query of a metric (docs/operations.md lists the defaults);"
          + " {{namespace}}, {{cluster}}, {{window}} and {{transport}} (mixnet, then fallback)"
          + " are filled in.")
  public PrometheusQueriesSpec queries = new PrometheusQueriesSpec();
}
