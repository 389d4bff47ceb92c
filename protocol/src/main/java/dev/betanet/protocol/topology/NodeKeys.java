package dev.betanet.protocol.topology;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import javax.security.auth.Destroyable;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * One node's private keys, as the operator keeps them in the node's own Secret (see {@link
 * NodeKeysFile}): a long-term Ed25519 identity, the X25519 packet keys still valid (newest first:
 * the current epoch's, then older ones kept for an overlap window so packets in flight survive a
 * rotation), and the operator's public key, which the node pins to verify topology documents.
 *
 * <p>Never logged: {@link #toString()} shows only public parts.
 */
public final class NodeKeys implements Destroyable {

  /** An X25519 packet key of one epoch. */
  public record EpochKey(long epoch, byte[] privateKey) {
    public EpochKey {
      if (privateKey.length != X25519.SCALAR_SIZE) {
        throw new IllegalArgumentException(
            "an X25519 private key is 32 bytes, got " + privateKey.length);
      }
      privateKey = privateKey.clone();
    }

    /** A copy of the private key. */
    @Override
    public byte[] privateKey() {
      return privateKey.clone();
    }

    public Key32 publicKey() {
      byte[] publicKey = new byte[X25519.POINT_SIZE];
      X25519.generatePublicKey(privateKey, 0, publicKey, 0);
      return Key32.of(publicKey);
    }

    @Override
    public String toString() {
      return "EpochKey[epoch=" + epoch + ", public=" + publicKey() + "]";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof EpochKey other
          && epoch == other.epoch
          && Arrays.equals(privateKey, other.privateKey);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(epoch) * 31 + Arrays.hashCode(privateKey);
    }
  }

  private final String nodeId;
  private final Key32 operatorKey;
  private final byte[] identityPrivate;
  private final List<EpochKey> packetKeys;
  private boolean destroyed;

  /**
   * @param packetKeys at least one; stored newest epoch first, epochs unique
   */
  public NodeKeys(
      String nodeId, Key32 operatorKey, byte[] identityPrivate, List<EpochKey> packetKeys) {
    if (nodeId == null || nodeId.isBlank()) {
      throw new IllegalArgumentException("a node id is required");
    }
    if (identityPrivate.length != 32) {
      throw new IllegalArgumentException(
          "an Ed25519 private key is 32 bytes, got " + identityPrivate.length);
    }
    if (packetKeys.isEmpty()) {
      throw new IllegalArgumentException("a node needs at least one X25519 packet key");
    }
    List<EpochKey> sorted = new ArrayList<>(packetKeys);
    sorted.sort(Comparator.comparingLong(EpochKey::epoch).reversed());
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).epoch() == sorted.get(i - 1).epoch()) {
        throw new IllegalArgumentException("two packet keys for epoch " + sorted.get(i).epoch());
      }
    }
    this.nodeId = nodeId;
    this.operatorKey = operatorKey;
    this.identityPrivate = identityPrivate.clone();
    this.packetKeys = List.copyOf(sorted);
  }

  /** Fresh keys for a new node, with one packet key for {@code epoch}. */
  public static NodeKeys generate(
      String nodeId, Key32 operatorKey, long epoch, SecureRandom random) {
    return new NodeKeys(
        nodeId,
        operatorKey,
        Ed25519Keys.generatePrivate(random),
        List.of(new EpochKey(epoch, newX25519(random))));
  }

  /**
   * These keys with a new packet key for {@code epoch} in front, keeping at most {@code keep} keys
   * in all (the newest); the identity stays.
   */
  public NodeKeys rotate(long epoch, int keep, SecureRandom random) {
    if (epoch <= current().epoch()) {
      throw new IllegalArgumentException(
          "new key epoch " + epoch + " must be above " + current().epoch());
    }
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least one key, got " + keep);
    }
    List<EpochKey> keys = new ArrayList<>();
    keys.add(new EpochKey(epoch, newX25519(random)));
    keys.addAll(packetKeys.subList(0, Math.min(keep - 1, packetKeys.size())));
    return new NodeKeys(nodeId, operatorKey, identityPrivate, keys);
  }

  /**
   * These keys without packet keys older than {@code oldestEpoch}; the current one always stays.
   */
  public NodeKeys retireBefore(long oldestEpoch) {
    List<EpochKey> keys =
        packetKeys.stream().filter(k -> k == current() || k.epoch() >= oldestEpoch).toList();
    return new NodeKeys(nodeId, operatorKey, identityPrivate, keys);
  }

  private static byte[] newX25519(SecureRandom random) {
    byte[] key = new byte[X25519.SCALAR_SIZE];
    X25519.generatePrivateKey(random, key);
    return key;
  }

  public String nodeId() {
    return nodeId;
  }

  /** The operator's Ed25519 public key: the only key a topology document may be signed with. */
  public Key32 operatorKey() {
    return operatorKey;
  }

  /** A copy of the Ed25519 identity private key. */
  public byte[] identityPrivate() {
    return identityPrivate.clone();
  }

  public Key32 identityPublic() {
    return Ed25519Keys.publicOf(identityPrivate);
  }

  /** The packet key of the newest epoch: the one published in the topology. */
  public EpochKey current() {
    return packetKeys.getFirst();
  }

  /** Every valid packet key, newest epoch first. */
  public List<EpochKey> packetKeys() {
    return packetKeys;
  }

  @Override
  public void destroy() {
    Arrays.fill(identityPrivate, (byte) 0);
    destroyed = true;
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeKeys other
        && nodeId.equals(other.nodeId)
        && operatorKey.equals(other.operatorKey)
        && Arrays.equals(identityPrivate, other.identityPrivate)
        && packetKeys.equals(other.packetKeys);
  }

  @Override
  public int hashCode() {
    return nodeId.hashCode();
  }

  @Override
  public String toString() {
    return "NodeKeys[node="
        + nodeId
        + ", identity="
        + identityPublic()
        + ", packetKeyEpochs="
        + packetKeys.stream().map(EpochKey::epoch).toList()
        + "]";
  }
}
