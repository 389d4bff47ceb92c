package dev.betanet.router;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once keys and a verified topology are loaded, the ports are bound and packets made now pass
 * the restart replay guard (about 15 s after a start).
 */
@Readiness
@ApplicationScoped
public class RouterReadiness implements HealthCheck {

  private final RouterService service;

  RouterReadiness(RouterService service) {
    this.service = service;
  }

  @Override
  public HealthCheckResponse call() {
    Router router = service.router();
    var response = HealthCheckResponse.named("router").withData("configured", router != null);
    if (router != null && System.currentTimeMillis() < router.readyFromMillis()) {
      // Restart replay guard: packets senders make now would still be refused (before_start).
      response.withData(
          "reason",
          "restart replay guard: packets made before "
              + Instant.ofEpochMilli(router.readyFromMillis())
              + " may carry a timestamp this process refuses");
    }
    return response.status(router != null && router.isReady()).build();
  }
}
