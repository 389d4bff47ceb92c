package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.router.Router;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Topology epochs only move forward at the router, also across a restart: with its state directory
 * the router remembers the last accepted document, so an older signed one put back in the ConfigMap
 * (an old canary weight, a removed mixnode) is refused after a restart as it is while running, and
 * counted by reason in {@code betanet_router_reload_refused_total}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RouterTopologyEpochsTest {

  private static final String REFUSED = MetricNames.ROUTER_RELOAD_REFUSED.prometheus();

  @Test
  void olderAndConflictingTopologiesAreRefusedAlsoAfterARestart() throws Exception {
    try (var cluster = new TestCluster(1, 1, 0)) {
      Path stateDir = Files.createDirectory(cluster.dir.resolve("state"));
      cluster.epoch = 5;
      cluster.canaryWeight = 0;
      cluster.writeFiles();
      var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Router first = router(cluster, registry, stateDir);
      first.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(first.status().getLong("topologyEpoch")).isEqualTo(5);

      // Running: an older document, then another document under epoch 5.
      cluster.epoch = 4;
      cluster.canaryWeight = 100;
      cluster.publishTopology();
      Eventually.await(
          "epoch 4 refused", Duration.ofSeconds(20), () -> refused(registry, "stale_epoch") == 1);
      cluster.epoch = 5;
      cluster.publishTopology();
      Eventually.await(
          "a second epoch 5 refused",
          Duration.ofSeconds(20),
          () -> refused(registry, "epoch_conflict") == 1);
      assertThat(first.status().getInteger("canaryWeight")).isZero();
      first.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      cluster.routers.remove(first);

      // Restarted with the older document in the file: nothing loads, and the reason is counted.
      cluster.epoch = 4;
      cluster.publishTopology();
      var afterRestart = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Router restarted = router(cluster, afterRestart, stateDir);
      var started = restarted.start();
      Eventually.await(
          "epoch 4 refused after the restart",
          Duration.ofSeconds(20),
          () -> refused(afterRestart, "stale_epoch") == 1);
      assertThat(restarted.status().containsKey("topologyEpoch")).as("no topology").isFalse();
      assertThat(restarted.isReady()).isFalse();

      // The operator's next document loads.
      cluster.epoch = 6;
      cluster.publishTopology();
      started.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(restarted.status().getLong("topologyEpoch")).isEqualTo(6);
      assertThat(refused(afterRestart, "epoch_conflict")).isZero();
    }
  }

  private static Router router(TestCluster cluster, PrometheusMeterRegistry registry, Path state) {
    var settings =
        cluster.settings(
            cluster.entryKeys.nodeId(), cluster.entryPacketPort, cluster.entryTunnelPort, Map.of());
    var router = new Router(cluster.vertx, settings, registry, new SecureRandom(), state);
    cluster.routers.add(router);
    return router;
  }

  private static double refused(PrometheusMeterRegistry registry, String reason) {
    return Scrapes.required(registry.scrape(), REFUSED + "{reason=\"" + reason + "\",}");
  }
}
