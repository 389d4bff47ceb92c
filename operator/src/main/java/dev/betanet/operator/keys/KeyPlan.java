package dev.betanet.operator.keys;

import dev.betanet.operator.crd.FogServiceSpec;
import dev.betanet.operator.model.ClusterNames;
import dev.betanet.operator.model.FogServiceKeys;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.NodeKeysFile;
import dev.betanet.protocol.topology.TopologyException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides a cluster's keys from the Secrets that exist: keeps what is there, generates what is
 * missing, rotates and retires packet keys on the policy's schedule. Plain Java: the caller reads
 * and writes the Secrets.
 *
 * <p>Rotation is idempotent per node: a node is brought to the identity's key epoch, so a reconcile
 * interrupted half way finishes the job next time instead of rotating twice.
 */
public final class KeyPlan {

  /** The current packet key and the previous one, during the overlap window. */
  static final int KEYS_KEPT_ON_ROTATION = 2;

  private final ClusterNames names;
  private final KeyRotationPolicy policy;
  private final SecureRandom random;

  public KeyPlan(ClusterNames names, KeyRotationPolicy policy, SecureRandom random) {
    this.names = names;
    this.policy = policy;
    this.random = random;
  }

  /**
   * @param identitySecret the existing operator identity Secret, or null
   * @param nodeSecrets existing key Secrets by node id (absent for new nodes)
   * @param components the component (mixnode/router) of every desired node, by node id
   * @param fogSecret the existing fog service Secret, or null
   * @param rotationRequestedAt when a rotation was asked for ({@code spec.rotateKeysAt}), or null
   */
  public ClusterKeys plan(
      Secret identitySecret,
      Map<String, Secret> nodeSecrets,
      Map<String, String> components,
      Secret fogSecret,
      List<FogServiceSpec> fogServices,
      Instant rotationRequestedAt,
      Instant now) {
    OperatorIdentity identity = OperatorIdentity.fromSecret(identitySecret);
    boolean rotated = false;
    if (identity == null) {
      identity = OperatorIdentity.generate(now, random);
    } else if (policy.rotationDue(identity.rotatedAt(), rotationRequestedAt, now)) {
      identity = identity.rotated(now);
      rotated = true;
    }
    boolean retire = policy.overlapOver(identity.rotatedAt(), now);

    List<Secret> secrets = new ArrayList<>();
    secrets.add(identity.secret(names));
    Map<String, NodeKeys> nodes = new LinkedHashMap<>();
    List<String> regenerated = new ArrayList<>();
    boolean retired = false;
    for (Map.Entry<String, String> node : components.entrySet()) {
      String nodeId = node.getKey();
      NodeKeys existing = read(nodeSecrets.get(nodeId), nodeId, identity);
      NodeKeys keys;
      if (existing == null) {
        keys = NodeKeys.generate(nodeId, identity.publicKey(), identity.keyEpoch(), random);
        regenerated.add(nodeId);
      } else {
        keys = existing;
        if (keys.current().epoch() < identity.keyEpoch()) {
          keys = keys.rotate(identity.keyEpoch(), KEYS_KEPT_ON_ROTATION, random);
        }
        if (retire) {
          keys = keys.retireBefore(identity.keyEpoch());
          retired |= keys.packetKeys().size() < existing.packetKeys().size();
        }
      }
      nodes.put(nodeId, keys);
      secrets.add(nodeSecret(nodeId, node.getValue(), keys));
    }
    FogServiceKeys fog = FogServiceKeys.fromSecret(fogSecret).forServices(fogServices, random);
    secrets.add(fog.secret(names));
    long published =
        policy.newestKeyInUse(identity.rotatedAt(), now)
            ? identity.keyEpoch()
            : Math.max(1, identity.keyEpoch() - 1);
    return new ClusterKeys(identity, nodes, fog, secrets, rotated, retired, regenerated, published);
  }

  /**
   * A node's existing keys, or null when absent, unreadable, or made for another operator key (an
   * identity that was lost and regenerated): the node could not verify the topology with them.
   */
  private static NodeKeys read(Secret secret, String nodeId, OperatorIdentity identity) {
    if (secret == null || secret.getData() == null) {
      return null;
    }
    String file = secret.getData().get(NodeKeysFile.FILE_NAME);
    if (file == null) {
      return null;
    }
    try {
      NodeKeys keys = NodeKeysFile.read(Base64.getDecoder().decode(file));
      boolean usable =
          keys.nodeId().equals(nodeId) && keys.operatorKey().equals(identity.publicKey());
      return usable ? keys : null;
    } catch (TopologyException | IllegalArgumentException e) {
      return null;
    }
  }

  private Secret nodeSecret(String nodeId, String component, NodeKeys keys) {
    byte[] file = NodeKeysFile.write(keys);
    return new SecretBuilder()
        .withNewMetadata()
        .withName(names.nodeKeysSecret(nodeId))
        .withNamespace(names.namespace())
        .withLabels(names.nodeKeysLabels(component))
        .endMetadata()
        .withType("Opaque")
        .addToData(NodeKeysFile.FILE_NAME, Base64.getEncoder().encodeToString(file))
        .build();
  }
}
