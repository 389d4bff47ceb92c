package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Shutdown stops accepting, forwards what falls due within the drain time, counts the rest; and is
 * clean at any point of a start.
 */
class ShutdownTest {

  @Test
  void forwardsPacketsDueWithinTheDrainTimeAndCountsTheRest() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.meanDelayMillis = 5_000; // a 60 s hold is under the ceiling (69 s)
      net.startAll(); // drain time 2 s
      Mixnode node = net.nodes.getFirst();
      double droppedBefore = TestNet.count(node, PacketResult.DROPPED_SHUTDOWN);
      try (var client = new TestClient(net, node.port())) {
        for (int i = 0; i < 5; i++) {
          client.send(net.packet(300, "soon-" + i, 0));
          client.send(net.packet(60_000, "much-later-" + i, 0));
        }
        Eventually.await("ten packets held", () -> node.delayPoolSize() == 10);
      }
      node.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

      assertThat(net.payloadsAtSink())
          .containsExactlyInAnyOrder("soon-0", "soon-1", "soon-2", "soon-3", "soon-4");
      assertThat(TestNet.count(node, PacketResult.DROPPED_SHUTDOWN)).isEqualTo(droppedBefore + 5);
      assertThat(node.isReady()).isFalse();
      net.nodes.clear(); // stopped already
    }
  }

  /**
   * A stop that comes while the node is still loading its files (a pod deleted while starting): the
   * node never binds its port nor starts cover traffic, and its start ends as stopped, not as an
   * error. The files' first load is held until the stop has begun.
   */
  @Test
  void aStopWhileStartingLeavesNothingBoundOrRunning() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.writeFiles();
      CountDownLatch loading = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      HopProcessorFactory real = net.kit.processors();
      HopProcessorFactory held =
          files -> {
            loading.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return real.create(files);
          };
      var node =
          new Mixnode(
              net.vertx,
              net.settings(0),
              held,
              CoverEmitter.PacketSource.none(),
              new SimpleMeterRegistry());
      CompletableFuture<Integer> started = node.start().toCompletionStage().toCompletableFuture();
      assertThat(loading.await(10, TimeUnit.SECONDS)).as("the files are being loaded").isTrue();

      CompletableFuture<Void> stopped = node.stop().toCompletionStage().toCompletableFuture();
      release.countDown();
      stopped.get(10, TimeUnit.SECONDS);

      assertThatThrownBy(() -> started.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(Mixnode.StoppedBeforeStarted.class);
      assertThat(node.port()).isEqualTo(-1);
      assertThat(node.state()).as("the files did load").isNotNull();
      assertThat(node.isReady()).isFalse();
      assertThatThrownBy(
              () -> new Socket(InetAddress.getLoopbackAddress(), net.ports.getFirst()).close())
          .as("nothing listens on the packet port")
          .isInstanceOf(ConnectException.class);
    }
  }
}
