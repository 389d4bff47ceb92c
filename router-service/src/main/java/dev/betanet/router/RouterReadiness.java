package dev.betanet.router;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once keys and a verified topology are loaded and the proxy and packet ports are bound. */
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
    return HealthCheckResponse.named("router")
        .status(router != null && router.isReady())
        .withData("configured", router != null)
        .build();
  }
}
