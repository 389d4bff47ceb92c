package dev.betanet.operator.canary;

import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.SecretKeyReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads the bearer token the Prometheus provider sends from the Secret the spec names, in the
 * cluster's namespace. The token is handed to the HTTP client only: the messages here name the
 * Secret and key, never its content.
 */
@ApplicationScoped
public class PrometheusToken {

  /** The reason of a window not measured because the token could not be read. */
  public static final String UNAVAILABLE = "PrometheusTokenUnavailable";

  /** The outcome of reading the token. */
  public sealed interface Read permits None, Found, Missing {}

  /** The spec names no Secret: no Authorization header. */
  public record None() implements Read {}

  public record Found(String token) implements Read {
    @Override
    public String toString() {
      return "Found[token=<redacted>]";
    }
  }

  public record Missing(String message) implements Read {}

  private final KubernetesClient client;

  @Inject
  public PrometheusToken(KubernetesClient client) {
    this.client = client;
  }

  public Read read(MixnetCluster cluster, SecretKeyReference reference) {
    if (reference == null) {
      return new None();
    }
    String where = "Secret " + reference.name + " key " + reference.key;
    Secret secret;
    try {
      secret =
          client
              .secrets()
              .inNamespace(cluster.getMetadata().getNamespace())
              .withName(reference.name)
              .get();
    } catch (KubernetesClientException e) {
      return new Missing(where + " unreadable: HTTP " + e.getCode());
    }
    if (secret == null) {
      return new Missing(where + ": no such Secret");
    }
    String encoded = secret.getData() == null ? null : secret.getData().get(reference.key);
    String plain =
        secret.getStringData() == null ? null : secret.getStringData().get(reference.key);
    String token;
    try {
      token =
          encoded != null
              ? new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8)
              : plain;
    } catch (IllegalArgumentException e) {
      return new Missing(where + " is not base64");
    }
    if (token == null || token.isBlank()) {
      return new Missing(where + ": no such key, or empty");
    }
    return new Found(token.strip());
  }
}
