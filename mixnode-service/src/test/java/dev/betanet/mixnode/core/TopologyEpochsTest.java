package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.metrics.MetricNames;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topology epochs only move forward, also across a restart. Whoever can write the topology
 * ConfigMap can put back an older document the operator signed (it verifies as well as the new
 * one): it could bring back a removed mixnode or an old canary weight. A running node refuses it; a
 * restarted node used to load whatever it found first. With its state directory it remembers the
 * last accepted document and refuses an older one, or another under the same epoch, counted by
 * reason.
 */
class TopologyEpochsTest {

  /** The node's writable state directory; it outlives each node process of the test. */
  @TempDir Path stateDir;

  @Test
  void olderAndConflictingTopologiesAreRefusedAlsoAfterARestart() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.epoch = 2;
      net.writeFiles();
      var registry = new SimpleMeterRegistry();
      Mixnode first = start(net, registry, stateDir);
      first.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(first.state().topology().epoch()).isEqualTo(2);

      // Running: an older document, then another document under epoch 2.
      net.epoch = 1;
      TestNet.replace(net.topologyFile(), net.signer.sign(net.topology()));
      Eventually.await("epoch 1 refused", () -> refused(registry, "stale_epoch") == 1);
      net.epoch = 2;
      net.coverMeanIntervalMillis = 500;
      TestNet.replace(net.topologyFile(), net.signer.sign(net.topology()));
      Eventually.await("a second epoch 2 refused", () -> refused(registry, "epoch_conflict") == 1);
      assertThat(first.state().topology().mixing().coverMeanIntervalMillis()).isZero();
      first.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      net.nodes.remove(first);

      // Restarted, with the older document in the file: it does not load, and says why.
      net.epoch = 1;
      net.coverMeanIntervalMillis = 0;
      TestNet.replace(net.topologyFile(), net.signer.sign(net.topology()));
      var afterRestart = new SimpleMeterRegistry();
      Mixnode restarted = start(net, afterRestart, stateDir);
      var started = restarted.start();
      Eventually.await(
          "epoch 1 refused after the restart", () -> refused(afterRestart, "stale_epoch") == 1);
      assertThat(restarted.state()).as("no topology in force").isNull();
      assertThat(restarted.isReady()).isFalse();

      // The operator's next document loads.
      net.epoch = 3;
      TestNet.replace(net.topologyFile(), net.signer.sign(net.topology()));
      started.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(restarted.state().topology().epoch()).isEqualTo(3);
      assertThat(refused(afterRestart, "epoch_conflict")).isZero();
    }
  }

  private static Mixnode start(TestNet net, MeterRegistry registry, Path stateDir) {
    var node =
        new Mixnode(
            net.vertx,
            net.settings(0),
            net.kit.processors(),
            CoverEmitter.PacketSource.none(),
            registry,
            stateDir);
    net.nodes.add(node);
    return node;
  }

  /** {@code betanet_mixnode_reload_refused_total{reason}}; fails when the series is missing. */
  private static double refused(MeterRegistry registry, String reason) {
    FunctionCounter counter =
        registry
            .find(MetricNames.MIXNODE_RELOAD_REFUSED.meter())
            .tag("reason", reason)
            .functionCounter();
    assertThat(counter).as("series for reason " + reason).isNotNull();
    return counter.count();
  }
}
