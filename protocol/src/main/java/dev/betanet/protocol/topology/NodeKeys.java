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

  /**
   * An X25519 packet key of one epoch. Holds its own copy of the scalar, which {@link #destroy()}
   * zeroes; the public key is computed once, so it stays readable after destruction.
   */
  public static final class EpochKey implements Destroyable {
    private final long epoch;
    private final byte[] privateKey;
    private final Key32 publicKey;
    private volatile boolean destroyed;

    /** Copies {@code privateKey}; the caller may wipe its array afterwards. */
    public EpochKey(long epoch, byte[] privateKey) {
      if (privateKey.length != X25519.SCALAR_SIZE) {
        throw new IllegalArgumentException(
            "an X25519 private key is 32 bytes, got " + privateKey.length);
      }
      this.epoch = epoch;
      this.privateKey = privateKey.clone();
      byte[] publicBytes = new byte[X25519.POINT_SIZE];
      X25519.generatePublicKey(this.privateKey, 0, publicBytes, 0);
      this.publicKey = Key32.of(publicBytes);
    }

    public long epoch() {
      return epoch;
    }

    /**
     * A copy of the private key; wipe it when done.
     *
     * @throws IllegalStateException after {@link #destroy()}
     */
    public byte[] privateKey() {
      requireAlive();
      return privateKey.clone();
    }

    public Key32 publicKey() {
      return publicKey;
    }

    @Override
    public void destroy() {
      destroyed = true;
      Arrays.fill(privateKey, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
      return destroyed;
    }

    private void requireAlive() {
      if (destroyed) {
        throw new IllegalStateException("the packet key of epoch " + epoch + " was destroyed");
      }
    }

    @Override
    public String toString() {
      return "EpochKey[epoch=" + epoch + ", public=" + publicKey + "]";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof EpochKey other
          && epoch == other.epoch
          && Arrays.equals(privateKey, other.privateKey);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(epoch) * 31 + publicKey.hashCode();
    }
  }

  private final String nodeId;
  private final Key32 operatorKey;
  private final byte[] identityPrivate;
  private final Key32 identityPublic;
  private final List<EpochKey> packetKeys;
  private volatile boolean destroyed;

  /**
   * Copies {@code identityPrivate} and every packet key: the caller may wipe or destroy its own.
   *
   * @param packetKeys at least one; stored newest epoch first, epochs unique; none destroyed
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
    if (sorted.stream().anyMatch(EpochKey::isDestroyed)) {
      throw new IllegalArgumentException("a packet key was destroyed");
    }
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).epoch() == sorted.get(i - 1).epoch()) {
        throw new IllegalArgumentException("two packet keys for epoch " + sorted.get(i).epoch());
      }
    }
    this.nodeId = nodeId;
    this.operatorKey = operatorKey;
    this.identityPrivate = identityPrivate.clone();
    this.identityPublic = Ed25519Keys.publicOf(this.identityPrivate);
    // Own copies: destroying these keys must not wipe the keys they were rotated from or to.
    this.packetKeys = sorted.stream().map(k -> new EpochKey(k.epoch(), k.privateKey)).toList();
  }

  /** Fresh keys for a new node, with one packet key for {@code epoch}. */
  public static NodeKeys generate(
      String nodeId, Key32 operatorKey, long epoch, SecureRandom random) {
    byte[] identity = Ed25519Keys.generatePrivate(random);
    EpochKey packetKey = newPacketKey(epoch, random);
    try {
      return new NodeKeys(nodeId, operatorKey, identity, List.of(packetKey));
    } finally {
      Arrays.fill(identity, (byte) 0);
      packetKey.destroy();
    }
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
    requireAlive();
    EpochKey fresh = newPacketKey(epoch, random);
    List<EpochKey> keys = new ArrayList<>();
    keys.add(fresh);
    keys.addAll(packetKeys.subList(0, Math.min(keep - 1, packetKeys.size())));
    try {
      return new NodeKeys(nodeId, operatorKey, identityPrivate, keys);
    } finally {
      fresh.destroy();
    }
  }

  /**
   * These keys without packet keys older than {@code oldestEpoch}; the current one always stays.
   */
  public NodeKeys retireBefore(long oldestEpoch) {
    requireAlive();
    List<EpochKey> keys =
        packetKeys.stream().filter(k -> k == current() || k.epoch() >= oldestEpoch).toList();
    return new NodeKeys(nodeId, operatorKey, identityPrivate, keys);
  }

  private static EpochKey newPacketKey(long epoch, SecureRandom random) {
    byte[] key = new byte[X25519.SCALAR_SIZE];
    X25519.generatePrivateKey(random, key);
    try {
      return new EpochKey(epoch, key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private void requireAlive() {
    if (destroyed) {
      throw new IllegalStateException("the keys of node " + nodeId + " were destroyed");
    }
  }

  public String nodeId() {
    return nodeId;
  }

  /** The operator's Ed25519 public key: the only key a topology document may be signed with. */
  public Key32 operatorKey() {
    return operatorKey;
  }

  /**
   * A copy of the Ed25519 identity private key; wipe it when done.
   *
   * @throws IllegalStateException after {@link #destroy()}
   */
  public byte[] identityPrivate() {
    requireAlive();
    return identityPrivate.clone();
  }

  /** The identity public key; readable after {@link #destroy()}. */
  public Key32 identityPublic() {
    return identityPublic;
  }

  /** The packet key of the newest epoch: the one published in the topology. */
  public EpochKey current() {
    return packetKeys.getFirst();
  }

  /** Every valid packet key, newest epoch first. */
  public List<EpochKey> packetKeys() {
    return packetKeys;
  }

  /**
   * Zeroes the identity key and every packet key these keys hold (their own copies: keys made from
   * these by {@link #rotate} or {@link #retireBefore} are not touched). Public parts, the node id
   * and the epochs stay readable; private keys are refused from now on.
   */
  @Override
  public void destroy() {
    // Wipe first, then say so: another thread that sees isDestroyed() must find every key wiped
    // (each packet key refuses use from its own first step).
    packetKeys.forEach(EpochKey::destroy);
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
