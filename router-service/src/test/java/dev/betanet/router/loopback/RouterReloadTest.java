package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.NodeKeysFile;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 20, item 8: a key/topology update that verifies but cannot be applied (here a key file
 * whose two packet keys share a key id: epochs 256 apart) is rejected, counted and logged; the
 * router keeps serving with its last good state and applies the next change. Entry and exit at
 * weight 0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RouterReloadTest {

  private static final String REJECTED = MetricNames.ROUTER_RELOAD_REJECTED.prometheus();

  private TestCluster cluster;
  private HttpServer backend;

  @BeforeEach
  void start() throws Exception {
    cluster = new TestCluster(3, 1, 5);
    cluster.canaryWeight = 0;
    backend = cluster.backend(r -> r.response().end(Buffer.buffer("hello " + r.uri())));
    cluster.startRouters("http://127.0.0.1:" + backend.actualPort());
  }

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private double rejected() {
    return Scrapes.required(cluster.entryMetrics.scrape(), REJECTED);
  }

  @Test
  void anUpdateThatCannotBeAppliedIsRejectedCountedAndTheNextChangeApplies() throws Exception {
    assertThat(rejected()).isZero();
    NodeKeys good = cluster.entryKeys;
    var clashing =
        new NodeKeys(
            good.nodeId(),
            good.operatorKey(),
            good.identityPrivate(),
            List.of(
                new NodeKeys.EpochKey(257, good.current().privateKey()),
                new NodeKeys.EpochKey(1, good.current().privateKey())));
    replace(cluster.keysFile(good.nodeId()), NodeKeysFile.write(clashing));

    Eventually.await("the update rejected", Duration.ofSeconds(10), () -> rejected() == 1);
    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      assertThat(flow.get("http://echo.fog/still").status()).isEqualTo(200);
    }
    assertThat(cluster.entry.status().getLong("topologyEpoch")).isEqualTo(1);

    // The next change is tried afresh: the good key file back, and a new topology epoch.
    replace(cluster.keysFile(good.nodeId()), NodeKeysFile.write(good));
    cluster.epoch = 2;
    cluster.publishTopology();
    Eventually.await(
        "the next change applied",
        Duration.ofSeconds(10),
        () -> cluster.entry.status().getLong("topologyEpoch") == 2);
    assertThat(rejected()).isEqualTo(1);
    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      assertThat(flow.get("http://echo.fog/after").status()).isEqualTo(200);
    }
  }

  /**
   * Replaces a file atomically, as the kubelet swaps a mounted file: a plain write can be polled
   * half-written and counted as a second, malformed rejection.
   */
  private static void replace(java.nio.file.Path file, byte[] content) throws java.io.IOException {
    java.nio.file.Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(temp, content);
    Files.move(
        temp,
        file,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
