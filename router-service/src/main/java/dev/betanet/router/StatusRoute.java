package dev.betanet.router;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code GET /api/v1/status} on the management interface (port 9000), beside health and metrics.
 */
@ApplicationScoped
public class StatusRoute {

  private final RouterService service;

  StatusRoute(RouterService service) {
    this.service = service;
  }

  void register(@Observes ManagementInterface management) {
    management
        .router()
        .get("/api/v1/status")
        .handler(
            ctx -> {
              Router router = service.router();
              JsonObject body =
                  router == null
                      ? new JsonObject().put("ready", false).put("configured", false)
                      : router.status();
              ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
            });
  }
}
