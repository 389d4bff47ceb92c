package dev.betanet.mixnode;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when keys and a verified topology are loaded and the packet port is bound. */
@Readiness
@ApplicationScoped
public class MixnodeReadiness implements HealthCheck {

  @Inject MixnodeService service;

  @Override
  public HealthCheckResponse call() {
    var node = service.node();
    var response = HealthCheckResponse.named("mixnode");
    if (node == null) {
      return response.down().withData("reason", "not configured").build();
    }
    var state = node.state();
    if (state != null) {
      response
          .withData("topologyEpoch", state.topology().epoch())
          .withData("keyEpoch", state.files().keys().current().epoch());
    }
    if (System.currentTimeMillis() < node.readyFromMillis()) {
      // Restart replay guard: packets senders make now would still be refused (before_start).
      response.withData(
          "reason",
          "refusing packets stamped before " + Instant.ofEpochMilli(node.readyFromMillis()));
    }
    return response.status(node.isReady()).withData("port", node.port()).build();
  }
}
