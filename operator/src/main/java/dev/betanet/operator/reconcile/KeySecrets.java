package dev.betanet.operator.reconcile;

import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.keys.ClusterKeys;
import dev.betanet.operator.keys.KeyPlan;
import dev.betanet.operator.keys.KeyRotationPolicy;
import dev.betanet.operator.model.ClusterNames;
import dev.betanet.operator.model.MixnodeModel;
import dev.betanet.operator.model.RouterModel;
import dev.betanet.protocol.spec.Durations;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads a cluster's key Secrets, lets {@link KeyPlan} decide, writes back only what changed and
 * deletes the keys of nodes that are gone. Keys are generated once and read back on every
 * reconcile; private keys never leave their Secrets (not in logs, events or status).
 */
@ApplicationScoped
public class KeySecrets {

  private final SecureRandom random = new SecureRandom();

  @Inject KubernetesClient client;
  @Inject ResourceApplier applier;

  public static KeyRotationPolicy policy(MixnetCluster cluster) {
    return new KeyRotationPolicy(
        Durations.parse(cluster.getSpec().keyRotationInterval, "spec.keyRotationInterval"),
        Durations.parse(cluster.getSpec().keyOverlap, "spec.keyOverlap"));
  }

  /** {@code spec.rotateKeysAt}; SpecValidation has refused a malformed one before this runs. */
  private static Instant rotationRequestedAt(MixnetCluster cluster) {
    String at = cluster.getSpec().rotateKeysAt;
    return at == null || at.isBlank() ? null : Instant.parse(at);
  }

  public ClusterKeys reconcile(MixnetCluster cluster, Instant now) {
    ClusterNames names = ClusterNames.of(cluster);
    Map<String, String> components = new LinkedHashMap<>();
    MixnodeModel.from(cluster)
        .nodes()
        .forEach(n -> components.put(ClusterNames.nodeId(n), ClusterNames.MIXNODE));
    RouterModel.from(cluster)
        .nodes()
        .forEach(n -> components.put(ClusterNames.nodeId(n), ClusterNames.ROUTER));

    Map<String, Secret> nodeSecrets = new HashMap<>();
    Map<String, Secret> byName =
        client
            .secrets()
            .inNamespace(names.namespace())
            .withLabels(names.clusterLabels())
            .list()
            .getItems()
            .stream()
            .collect(Collectors.toMap(s -> s.getMetadata().getName(), Function.identity()));
    components.keySet().forEach(id -> nodeSecrets.put(id, byName.get(names.nodeKeysSecret(id))));

    ClusterKeys keys =
        new KeyPlan(names, policy(cluster), random)
            .plan(
                byName.get(names.operatorIdentitySecret()),
                nodeSecrets,
                components,
                byName.get(names.fogServicesSecret()),
                cluster.getSpec().routers.services,
                rotationRequestedAt(cluster),
                now);
    keys.secrets().forEach(secret -> applier.apply(cluster, secret));
    List<String> removed =
        applier.prune(
            Secret.class,
            names.namespace(),
            Map.of(
                ClusterNames.LABEL_CLUSTER, names.cluster(), ClusterNames.LABEL_NODE_KEYS, "true"),
            components.keySet().stream().map(names::nodeKeysSecret).collect(Collectors.toSet()));
    if (!removed.isEmpty()) {
      org.jboss.logging.Logger.getLogger(KeySecrets.class)
          .infof(
              "%s/%s: deleted keys of removed nodes %s",
              names.namespace(), names.cluster(), removed);
    }
    return keys;
  }
}
