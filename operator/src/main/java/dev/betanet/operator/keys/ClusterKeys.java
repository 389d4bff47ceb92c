package dev.betanet.operator.keys;

import dev.betanet.operator.model.FogServiceKeys;
import dev.betanet.protocol.topology.NodeKeys;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Map;

/**
 * Every key of a cluster after one reconcile, and the Secrets that hold them.
 *
 * @param identity the operator key and packet-key clock
 * @param nodes node keys by node id
 * @param fogServices the .fog service keys
 * @param secrets the Secrets to write (identity, one per node, fog services)
 * @param rotated whether packet keys moved to a new epoch in this reconcile
 * @param retired whether previous packet keys were dropped in this reconcile
 * @param regenerated node ids whose keys were created or replaced because none were readable
 * @param publishedEpoch the key epoch the topology publishes: the identity's, or the one before it
 *     while the new keys are still reaching the nodes (see {@link KeyRotationPolicy})
 */
public record ClusterKeys(
    OperatorIdentity identity,
    Map<String, NodeKeys> nodes,
    FogServiceKeys fogServices,
    List<Secret> secrets,
    boolean rotated,
    boolean retired,
    List<String> regenerated,
    long publishedEpoch) {

  public NodeKeys node(String nodeId) {
    NodeKeys keys = nodes.get(nodeId);
    if (keys == null) {
      throw new IllegalStateException("BUG: no keys planned for node " + nodeId);
    }
    return keys;
  }

  /**
   * The packet key of {@code nodeId} that senders use now: its newest key of the published epoch or
   * older, or its oldest key when it has none that old (a node added during a rotation).
   */
  public NodeKeys.EpochKey publishedKey(String nodeId) {
    List<NodeKeys.EpochKey> keys = node(nodeId).packetKeys(); // newest first
    return keys.stream()
        .filter(k -> k.epoch() <= publishedEpoch)
        .findFirst()
        .orElse(keys.getLast());
  }

  /** Public parts only: the Secrets hold private keys and must never reach a log. */
  @Override
  public String toString() {
    return "ClusterKeys[identity="
        + identity
        + ", nodes="
        + nodes.values()
        + ", rotated="
        + rotated
        + ", retired="
        + retired
        + ", publishedEpoch="
        + publishedEpoch
        + "]";
  }
}
