package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.router.Router;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A router that cannot bind one of its ports says which one, and does not become ready. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RouterPortsTest {

  @Test
  void aPortInUseIsNamedInTheStartFailure() throws Exception {
    try (var cluster = new TestCluster(1, 1, 0);
        var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      cluster.writeFiles();
      var settings =
          cluster
              .settings(
                  cluster.entryKeys.nodeId(),
                  cluster.entryPacketPort,
                  cluster.entryTunnelPort,
                  Map.of())
              .toBuilder()
              .socksPort(taken.getLocalPort())
              .build();
      var router =
          new Router(
              cluster.vertx, settings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
      cluster.routers.add(router);

      Throwable failure =
          router.start().toCompletionStage().toCompletableFuture().handle((v, e) -> e).get();

      assertThat(failure).isNotNull();
      assertThat(failure.getMessage())
          .startsWith("cannot bind the SOCKS port 127.0.0.1:" + taken.getLocalPort() + ": ")
          .containsIgnoringCase("already in use");
      assertThat(router.isReady()).isFalse();
    }
  }
}
