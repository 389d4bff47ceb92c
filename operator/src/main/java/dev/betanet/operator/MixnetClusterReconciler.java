package dev.betanet.operator;

import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.MixnetClusterStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import org.jboss.logging.Logger;

/** Reconciles a {@link MixnetCluster}. So far it only acknowledges the spec it has seen. */
@ControllerConfiguration
public class MixnetClusterReconciler implements Reconciler<MixnetCluster> {

  private static final Logger LOG = Logger.getLogger(MixnetClusterReconciler.class);

  @Override
  public UpdateControl<MixnetCluster> reconcile(MixnetCluster cluster, Context<MixnetCluster> ctx) {
    var meta = cluster.getMetadata();
    LOG.infof(
        "%s/%s: observed generation %d", meta.getNamespace(), meta.getName(), meta.getGeneration());
    var status = new MixnetClusterStatus();
    status.setObservedGeneration(meta.getGeneration());
    cluster.setStatus(status);
    return UpdateControl.patchStatus(cluster);
  }
}
