package dev.betanet.local.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * The StatefulSet and Deployment controllers, reduced to what the local runtime needs: each
 * workload gets pods {@code <name>-0 .. <name>-(replicas-1)} made from its template (a
 * StatefulSet's pods also get its hostname and subdomain, for their DNS names); a pod whose
 * template changed is replaced; surplus pods are deleted; and the workload's status counts the
 * ready pods.
 */
final class WorkloadController {

  private static final Logger LOG = Logger.getLogger(WorkloadController.class.getName());
  static final String REVISION = "controller-revision-hash";
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  private final KubernetesClient client;

  WorkloadController(KubernetesClient client) {
    this.client = client;
  }

  /** One pass over every workload, given the pods in the API now. */
  void sync(List<Pod> pods) {
    Map<String, Pod> byKey = new HashMap<>();
    pods.forEach(p -> byKey.put(key(p.getMetadata()), p));
    for (StatefulSet set : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
      PodTemplateSpec template = set.getSpec().getTemplate();
      int replicas = replicas(set.getSpec().getReplicas());
      int ready = ensurePods(set, template, replicas, set.getSpec().getServiceName(), true, byKey);
      String revision = set.getMetadata().getName() + "-" + revision(template);
      StatefulSetStatus status =
          new StatefulSetStatusBuilder()
              .withObservedGeneration(set.getMetadata().getGeneration())
              .withReplicas(replicas)
              .withReadyReplicas(ready)
              .withAvailableReplicas(ready)
              .withCurrentReplicas(replicas)
              .withUpdatedReplicas(replicas)
              .withCurrentRevision(revision)
              .withUpdateRevision(revision)
              .build();
      if (!Objects.equals(set.getStatus(), status)) {
        set.setStatus(status);
        writeStatus(set, () -> client.apps().statefulSets().resource(unlocked(set)).updateStatus());
      }
    }
    for (Deployment deployment : client.apps().deployments().inAnyNamespace().list().getItems()) {
      int replicas = replicas(deployment.getSpec().getReplicas());
      int ready =
          ensurePods(deployment, deployment.getSpec().getTemplate(), replicas, null, false, byKey);
      DeploymentCondition available =
          new DeploymentConditionBuilder()
              .withType("Available")
              .withStatus(ready >= replicas ? "True" : "False")
              .withReason(
                  ready >= replicas ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
              .withMessage(ready + " of " + replicas + " replicas ready")
              .build();
      DeploymentStatus status =
          new DeploymentStatusBuilder()
              .withObservedGeneration(deployment.getMetadata().getGeneration())
              .withReplicas(replicas)
              .withReadyReplicas(ready)
              .withAvailableReplicas(ready)
              .withUpdatedReplicas(replicas)
              .withConditions(available)
              .build();
      if (!Objects.equals(deployment.getStatus(), status)) {
        deployment.setStatus(status);
        writeStatus(
            deployment,
            () -> client.apps().deployments().resource(unlocked(deployment)).updateStatus());
      }
    }
  }

  /** Creates, replaces and deletes the pods of one workload; returns how many are ready. */
  private int ensurePods(
      HasMetadata owner,
      PodTemplateSpec template,
      int replicas,
      String subdomain,
      boolean statefulSet,
      Map<String, Pod> pods) {
    String namespace = owner.getMetadata().getNamespace();
    String name = owner.getMetadata().getName();
    String revision = revision(template);
    int ready = 0;
    for (int i = 0; i < replicas; i++) {
      String podName = name + "-" + i;
      Pod pod = pods.remove(namespace + "/" + podName);
      if (pod != null && !revision.equals(labels(pod).get(REVISION))) {
        LOG.info(namespace + "/" + podName + ": template changed, replacing the pod");
        client.pods().inNamespace(namespace).withName(podName).delete();
        pod = null;
      }
      if (pod == null) {
        create(owner, template, podName, subdomain, statefulSet, revision);
      } else if (PodStatusWriter.isReady(pod)) {
        ready++;
      }
    }
    // Pods of this workload beyond the replica count.
    pods.values().stream()
        .filter(p -> ownedBy(p, owner))
        .toList()
        .forEach(
            p -> {
              LOG.info(key(p.getMetadata()) + ": scaled away, deleting the pod");
              client.pods().inNamespace(namespace).withName(p.getMetadata().getName()).delete();
              pods.remove(key(p.getMetadata()));
            });
    return ready;
  }

  private void create(
      HasMetadata owner,
      PodTemplateSpec template,
      String podName,
      String subdomain,
      boolean statefulSet,
      String revision) {
    Map<String, String> labels = new HashMap<>(labels(template.getMetadata()));
    labels.put(REVISION, revision);
    if (statefulSet) {
      labels.put("statefulset.kubernetes.io/pod-name", podName);
    }
    PodSpec spec = Serialization.clone(template.getSpec());
    if (subdomain != null) {
      spec.setHostname(podName);
      spec.setSubdomain(subdomain);
    }
    spec.setNodeName("local");
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(podName)
            .withNamespace(owner.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(
                template.getMetadata() == null ? null : template.getMetadata().getAnnotations())
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(owner.getApiVersion())
                    .withKind(owner.getKind())
                    .withName(owner.getMetadata().getName())
                    .withUid(owner.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .endMetadata()
            .withSpec(spec)
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    try {
      client.pods().resource(pod).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private static boolean ownedBy(Pod pod, HasMetadata owner) {
    return pod.getMetadata().getOwnerReferences() != null
        && pod.getMetadata().getOwnerReferences().stream()
            .anyMatch(ref -> Objects.equals(ref.getUid(), owner.getMetadata().getUid()));
  }

  private static void writeStatus(HasMetadata object, Runnable write) {
    try {
      write.run();
    } catch (KubernetesClientException e) {
      // Deleted or changed meanwhile: the next pass sees the new state.
      LOG.fine(() -> "status of " + key(object.getMetadata()) + " not written: " + e.getMessage());
    }
  }

  /** Without a resource version the update is not a compare-and-swap; status is ours alone. */
  private static <T extends HasMetadata> T unlocked(T object) {
    object.getMetadata().setResourceVersion(null);
    return object;
  }

  private static int replicas(Integer replicas) {
    return replicas == null ? 1 : replicas;
  }

  private static Map<String, String> labels(Pod pod) {
    return labels(pod.getMetadata());
  }

  private static Map<String, String> labels(ObjectMeta meta) {
    return meta == null || meta.getLabels() == null ? Map.of() : meta.getLabels();
  }

  static String key(ObjectMeta meta) {
    return meta.getNamespace() + "/" + meta.getName();
  }

  /**
   * The template's revision, over its JSON with every object's keys sorted: as Kubernetes hashes a
   * template, equal templates get equal revisions whatever order their maps (labels) came in, so an
   * object written again in another order does not replace its pods.
   */
  static String revision(PodTemplateSpec template) {
    try {
      Object tree = CANONICAL.readValue(Serialization.asJson(template), Object.class);
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(CANONICAL.writeValueAsBytes(tree));
      return HexFormat.of().formatHex(digest, 0, 5);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("BUG: a pod template did not round-trip through JSON", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: every Java runtime has SHA-256", e);
    }
  }
}
