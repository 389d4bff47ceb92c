package dev.betanet.router;

import dev.betanet.protocol.topology.ServicesDocument;
import dev.betanet.router.state.BodyStreaming;
import dev.betanet.router.state.RouterSettings;
import dev.betanet.router.state.StreamSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** Quarkus wiring: builds the {@link Router} from {@link RouterConfig} and starts and stops it. */
@ApplicationScoped
public class RouterService {

  private static final Logger LOG = Logger.getLogger(RouterService.class);

  private final Vertx vertx;
  private final RouterConfig config;
  private final MeterRegistry registry;
  private volatile Router router;

  RouterService(Vertx vertx, RouterConfig config, MeterRegistry registry) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
  }

  void start(@Observes StartupEvent event) throws IOException {
    if (config.nodeId().isEmpty()
        || config.keysFile().isEmpty()
        || config.topologyFile().isEmpty()) {
      LOG.warn(
          "betanet.node-id, betanet.keys-file and betanet.topology-file are not all set: the"
              + " router stays live but will not become ready");
      return;
    }
    ServicesDocument servicesFile =
        config.servicesFile().isPresent()
            ? ServicesDocument.read(config.servicesFile().get())
            : new ServicesDocument(Map.of());
    Map<String, String> services = servicesFile.backends();
    RouterConfig.Settings s = config.router();
    var settings =
        RouterSettings.builder(
                config.nodeId().get(), config.keysFile().get(), config.topologyFile().get())
            .services(services)
            .host(s.host())
            .proxyPort(s.proxyPort())
            .packetPort(s.packetPort())
            .tunnelPort(s.tunnelPort())
            .requestTimeout(s.requestTimeout())
            .backendTimeout(s.backendTimeout())
            .retransmitMargin(s.retransmitMargin())
            .maxAttempts(s.maxAttempts())
            .maxBodyBytes(s.maxBodyBytes())
            .maxInFlight(s.maxInFlight())
            .initialSurbs(s.initialSurbs())
            .reloadInterval(s.reloadInterval())
            .cryptoThreads(s.cryptoThreads().orElse(Runtime.getRuntime().availableProcessors()))
            .limits(
                new RouterSettings.Limits(
                    s.maxConnections(),
                    s.headerTimeout(),
                    s.bodyProgressTimeout(),
                    s.maxPendingBodyBytes(),
                    s.maxTunnelHandshakes(),
                    s.tunnelHandshakeTimeout(),
                    s.sendQueuePackets()))
            .socksPort(s.socksPort())
            .tcpPorts(servicesFile.tcpPorts())
            .streams(
                new StreamSettings(
                    s.streamWindowSegments(),
                    StreamSettings.DEFAULTS.sendBufferBytes(),
                    StreamSettings.DEFAULTS.initialWindowSegments(),
                    s.streamIdleTimeout(),
                    StreamSettings.DEFAULTS.maxRetransmissions(),
                    s.maxStreams(),
                    s.socksHandshakeTimeout(),
                    StreamSettings.DEFAULTS.openTimeout()))
            .bodies(new BodyStreaming(s.streamBodyThreshold(), s.maxStreamedBodyBytes()))
            .build();
    router =
        new Router(vertx, settings, registry, new SecureRandom(), config.stateDir().orElse(null));
    // Not awaited: the router waits for its files (the operator may mount them late) and turns
    // ready when both ports are bound; a bind failure is fatal to this process.
    router
        .start()
        .onFailure(
            e -> {
              LOG.errorf("router failed to start: %s", e.getMessage());
              io.quarkus.runtime.Quarkus.asyncExit(1);
            });
  }

  void stop(@Observes ShutdownEvent event) throws Exception {
    Router running = router;
    if (running != null) {
      running.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** The router, or null when it is not configured. */
  public Router router() {
    return router;
  }
}
