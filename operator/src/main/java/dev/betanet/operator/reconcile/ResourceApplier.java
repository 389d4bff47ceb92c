package dev.betanet.operator.reconcile;

import dev.betanet.operator.crd.MixnetCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Creates or updates the objects a cluster owns, and deletes the ones it no longer wants.
 *
 * <p>An object is written only when what the operator wants of it changed: a hash of the desired
 * object ({@link DesiredHash}: the same in every operator process) is kept in an annotation and
 * compared, rather than the live object, which the API server fills with defaults. So a reconcile
 * with nothing new writes nothing and restarts nothing. Secrets are compared by content instead, so
 * no digest of key material is ever published. Hand edits that keep the annotation are reverted
 * where the API server fills in nothing, so the live value can be compared as it is: a ConfigMap's
 * data, a StatefulSet's replica count and container images.
 *
 * <p>Every object gets the cluster as its controlling owner: deleting the cluster deletes them.
 */
@ApplicationScoped
public class ResourceApplier {

  static final String DESIRED_HASH = "betanet.dev/desired-hash";

  @Inject KubernetesClient client;

  /** What {@link #apply} did. */
  public enum Applied {
    UNCHANGED,
    /** Created, or updated because what the operator wants of it changed. */
    WRITTEN,
    /** Updated to undo a hand edit: what the operator wants had not changed. */
    REVERTED
  }

  /** Writes {@code desired} if needed. */
  public Applied apply(MixnetCluster owner, HasMetadata desired) {
    desired.getMetadata().setOwnerReferences(List.of(ownerReference(owner)));
    if (!(desired instanceof Secret)) {
      desired.getMetadata().setAnnotations(withHash(desired));
    }
    HasMetadata existing = client.resource(desired).get();
    if (existing == null) {
      client.resource(desired).create();
      return Applied.WRITTEN;
    }
    if (upToDate(existing, desired)) {
      return Applied.UNCHANGED;
    }
    // Secrets carry no hash (no digest of key material is published); theirs count as written.
    boolean handEdit = !(desired instanceof Secret) && sameHash(existing, desired);
    desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
    client.resource(desired).update();
    return handEdit ? Applied.REVERTED : Applied.WRITTEN;
  }

  /**
   * Deletes the objects of {@code type} that carry {@code labels} and are not named in {@code
   * keep}; returns their names.
   */
  public <T extends HasMetadata> List<String> prune(
      Class<T> type, String namespace, Map<String, String> labels, Set<String> keep) {
    List<T> stale =
        client.resources(type).inNamespace(namespace).withLabels(labels).list().getItems().stream()
            .filter(item -> !keep.contains(item.getMetadata().getName()))
            .toList();
    stale.forEach(item -> client.resource(item).delete());
    return stale.stream().map(item -> item.getMetadata().getName()).toList();
  }

  private static boolean upToDate(HasMetadata existing, HasMetadata desired) {
    if (!Objects.equals(
            existing.getMetadata().getOwnerReferences(), desired.getMetadata().getOwnerReferences())
        || !Objects.equals(existing.getMetadata().getLabels(), desired.getMetadata().getLabels())) {
      return false;
    }
    if (existing instanceof Secret live && desired instanceof Secret wanted) {
      Map<String, String> liveAnnotations = orEmpty(live.getMetadata().getAnnotations());
      Map<String, String> wantedAnnotations = orEmpty(wanted.getMetadata().getAnnotations());
      return Objects.equals(live.getData(), wanted.getData())
          && wantedAnnotations.entrySet().stream()
              .allMatch(e -> e.getValue().equals(liveAnnotations.get(e.getKey())));
    }
    return sameHash(existing, desired) && !drifted(existing, desired);
  }

  private static boolean sameHash(HasMetadata existing, HasMetadata desired) {
    Map<String, String> annotations = existing.getMetadata().getAnnotations();
    return annotations != null
        && desired
            .getMetadata()
            .getAnnotations()
            .get(DESIRED_HASH)
            .equals(annotations.get(DESIRED_HASH));
  }

  /** What someone changed by hand (kubectl edit, scale, set image) under the same annotation. */
  private static boolean drifted(HasMetadata existing, HasMetadata desired) {
    if (existing instanceof ConfigMap live && desired instanceof ConfigMap wanted) {
      return !orEmpty(live.getData()).equals(orEmpty(wanted.getData()))
          || !orEmpty(live.getBinaryData()).equals(orEmpty(wanted.getBinaryData()));
    }
    if (existing instanceof StatefulSet live && desired instanceof StatefulSet wanted) {
      return live.getSpec() == null
          || !Objects.equals(live.getSpec().getReplicas(), wanted.getSpec().getReplicas())
          || !images(live).equals(images(wanted));
    }
    return false;
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }

  /** Container name → image, init containers included. */
  private static Map<String, String> images(StatefulSet set) {
    Map<String, String> images = new HashMap<>();
    var template = set.getSpec().getTemplate();
    if (template == null || template.getSpec() == null) {
      return images;
    }
    var pod = template.getSpec();
    for (var containers : List.of(orEmpty(pod.getInitContainers()), orEmpty(pod.getContainers()))) {
      containers.forEach(c -> images.put(c.getName(), String.valueOf(c.getImage())));
    }
    return images;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static Map<String, String> withHash(HasMetadata desired) {
    Map<String, String> annotations =
        new java.util.TreeMap<>(
            desired.getMetadata().getAnnotations() == null
                ? Map.of()
                : desired.getMetadata().getAnnotations());
    annotations.remove(DESIRED_HASH);
    desired.getMetadata().setAnnotations(annotations);
    annotations.put(DESIRED_HASH, DesiredHash.of(desired));
    return annotations;
  }

  static OwnerReference ownerReference(MixnetCluster owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
