package dev.betanet.mixnode;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live unless the pipeline is stuck: packets waiting while none was processed (or none fell due)
 * for {@code betanet.mixnode.stuck-after}. A restart is the only cure for that.
 */
@Liveness
@ApplicationScoped
public class MixnodeLiveness implements HealthCheck {

  @Inject MixnodeService service;

  @Override
  public HealthCheckResponse call() {
    var node = service.node();
    boolean live = node == null || node.isLive();
    return HealthCheckResponse.named("mixnode-pipeline").status(live).build();
  }
}
