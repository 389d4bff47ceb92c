package dev.betanet.operator.reconcile;

import dev.betanet.operator.crd.MixnetCluster;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events on a MixnetCluster ({@code kubectl describe mxc}). Messages never carry key
 * material: only epochs, counts and names. An Event that cannot be written is logged, never fatal.
 */
@ApplicationScoped
public class EventRecorder {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class);

  @Inject KubernetesClient client;
  @Inject OperatorClock clock;

  public void normal(MixnetCluster cluster, String reason, String message) {
    record(cluster, "Normal", reason, message);
  }

  public void warning(MixnetCluster cluster, String reason, String message) {
    record(cluster, "Warning", reason, message);
  }

  private void record(MixnetCluster cluster, String type, String reason, String message) {
    var meta = cluster.getMetadata();
    LOG.infof("%s/%s: event %s: %s", meta.getNamespace(), meta.getName(), reason, message);
    String now = clock.now().toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName(meta.getName() + "." + UUID.randomUUID().toString().substring(0, 8))
            .withNamespace(meta.getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(cluster.getApiVersion())
                    .withKind(cluster.getKind())
                    .withName(meta.getName())
                    .withNamespace(meta.getNamespace())
                    .withUid(meta.getUid())
                    .build())
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent("betanet-operator")
            .endSource()
            .build();
    try {
      client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "%s/%s: could not record event %s: %s",
          meta.getNamespace(), meta.getName(), reason, e.getMessage());
    }
  }
}
