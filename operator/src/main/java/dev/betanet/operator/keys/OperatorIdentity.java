package dev.betanet.operator.keys;

import dev.betanet.operator.model.ClusterNames;
import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.Key32;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;

/**
 * The operator's Ed25519 key for one cluster, which signs its topology, and the cluster's
 * packet-key clock (current key epoch, when it last rotated), kept together in Secret {@code
 * <cluster>-operator-identity} so that the rotation state survives operator restarts.
 */
public record OperatorIdentity(byte[] privateKey, long keyEpoch, Instant rotatedAt) {

  public static final String KEY_FILE = "ed25519.key";
  public static final String ANNOTATION_KEY_EPOCH = "betanet.dev/key-epoch";
  public static final String ANNOTATION_ROTATED_AT = "betanet.dev/keys-rotated-at";

  public OperatorIdentity {
    privateKey = privateKey.clone();
  }

  @Override
  public byte[] privateKey() {
    return privateKey.clone();
  }

  public Key32 publicKey() {
    return Ed25519Keys.publicOf(privateKey);
  }

  /** A new identity whose packet keys start at epoch 1 now. */
  public static OperatorIdentity generate(Instant now, SecureRandom random) {
    return new OperatorIdentity(Ed25519Keys.generatePrivate(random), 1, now);
  }

  /** The identity kept in {@code secret}, or null when there is none or it is unreadable. */
  public static OperatorIdentity fromSecret(Secret secret) {
    if (secret == null || secret.getData() == null || secret.getData().get(KEY_FILE) == null) {
      return null;
    }
    try {
      byte[] key = Base64.getDecoder().decode(secret.getData().get(KEY_FILE));
      Map<String, String> annotations = secret.getMetadata().getAnnotations();
      if (key.length != 32 || annotations == null) {
        return null;
      }
      return new OperatorIdentity(
          key,
          Long.parseLong(annotations.get(ANNOTATION_KEY_EPOCH)),
          Instant.parse(annotations.get(ANNOTATION_ROTATED_AT)));
    } catch (IllegalArgumentException | NullPointerException | DateTimeParseException e) {
      return null;
    }
  }

  /** The same key, with packet keys moved to the next epoch at {@code now}. */
  public OperatorIdentity rotated(Instant now) {
    return new OperatorIdentity(privateKey, keyEpoch + 1, now);
  }

  public Secret secret(ClusterNames names) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(names.operatorIdentitySecret())
        .withNamespace(names.namespace())
        .withLabels(names.clusterLabels())
        .addToAnnotations(ANNOTATION_KEY_EPOCH, Long.toString(keyEpoch))
        .addToAnnotations(ANNOTATION_ROTATED_AT, rotatedAt.toString())
        .endMetadata()
        .withType("Opaque")
        .addToData(KEY_FILE, Base64.getEncoder().encodeToString(privateKey))
        .build();
  }

  @Override
  public String toString() {
    return "OperatorIdentity[public=" + publicKey() + ", keyEpoch=" + keyEpoch + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OperatorIdentity other
        && java.util.Arrays.equals(privateKey, other.privateKey)
        && keyEpoch == other.keyEpoch
        && rotatedAt.equals(other.rotatedAt);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(keyEpoch);
  }
}
