package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Run to completion: each connection belongs to one packet loop, which processes its packets on its
 * own event-loop thread and holds delayed ones in a bounded queue of its own; the drain releases
 * every loop's held packets that fall due in time.
 */
class PacketLoopsTest {

  private static MixnodeSettings withDelayPool(MixnodeSettings base, int delayPool) {
    return twoLoops(base, delayPool, base.drainTimeout());
  }

  private static MixnodeSettings twoLoops(
      MixnodeSettings base, int delayPool, Duration drainTimeout) {
    return twoLoops(base, delayPool, base.delayPoolBytes(), drainTimeout);
  }

  private static MixnodeSettings twoLoops(
      MixnodeSettings base, int delayPool, long delayPoolBytes, Duration drainTimeout) {
    return new MixnodeSettings(
        base.nodeId(),
        base.keysFile(),
        base.topologyFile(),
        base.host(),
        base.port(),
        2, // two packet loops
        base.cryptoQueue(),
        base.cryptoQueueBytes(),
        delayPool,
        delayPoolBytes,
        base.nextHopQueue(),
        base.nextHopBytes(),
        drainTimeout,
        base.reloadInterval(),
        base.stuckAfter());
  }

  @Test
  void packetsAreProcessedOnTheEventLoopThatOwnsTheirConnection() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.writeFiles();
      HopProcessorFactory real = net.kit.processors();
      Set<String> threads = ConcurrentHashMap.newKeySet();
      HopProcessorFactory watched =
          state -> {
            HopProcessor processor = real.create(state);
            return packet -> {
              threads.add(Thread.currentThread().getName());
              return processor.process(packet);
            };
          };
      Mixnode node = net.start(withDelayPool(net.settings(0), 64), watched);
      try (var first = new TestClient(net, node.port());
          var second = new TestClient(net, node.port())) {
        for (int i = 0; i < 5; i++) {
          first.send(net.packet(0, "first-" + i, 0));
          second.send(net.packet(0, "second-" + i, 0));
        }
        Eventually.await("ten packets at the sink", () -> net.sink.packets.size() == 10);
      }
      // Two connections, two loops: each loop's own event-loop thread did the crypto, no pool.
      assertThat(threads).hasSize(2).allMatch(name -> name.startsWith("vert.x-eventloop-thread"));
    }
  }

  @Test
  void aFullLoopDelayQueueDropsAndCountsTheExcess() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.meanDelayMillis = 5_000; // a 60 s hold is under the ceiling (69 s)
      net.writeFiles();
      // Four places for the node, split between its two loops: two each.
      Mixnode node = net.start(withDelayPool(net.settings(0), 4), net.kit.processors());
      double droppedBefore = TestNet.count(node, PacketResult.DROPPED_OVERLOAD);
      try (var first = new TestClient(net, node.port());
          var second = new TestClient(net, node.port())) {
        for (int i = 0; i < 3; i++) {
          first.send(net.packet(60_000, "first-" + i, 0));
        }
        Eventually.await(
            "the first connection's third packet refused",
            () -> TestNet.count(node, PacketResult.DROPPED_OVERLOAD) == droppedBefore + 1);
        for (int i = 0; i < 3; i++) {
          second.send(net.packet(60_000, "second-" + i, 0));
        }
        // The second connection is on the other loop, whose queue still had room for two.
        Eventually.await(
            "the second connection's third packet refused",
            () -> TestNet.count(node, PacketResult.DROPPED_OVERLOAD) == droppedBefore + 2);
        assertThat(node.delayPoolSize()).isEqualTo(4);
        assertThat(node.loops()).allMatch(loop -> loop.delayedSize() == 2);
        assertThat(node.isLive()).isTrue();
      }
    }
  }

  @Test
  void aLoopDelayQueueHoldsNoMoreBytesThanItsShareOfThePoolsMemory() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.meanDelayMillis = 5_000; // a 60 s hold is under the ceiling (69 s)
      net.writeFiles();
      // Room for 64 packets by count, but for two packets' bytes per loop (and a little more).
      long twoPacketsPerLoop = 2L * 2 * TestNet.PACKET_SIZE + 100;
      Mixnode node =
          net.start(
              twoLoops(net.settings(0), 64, twoPacketsPerLoop, Duration.ofSeconds(2)),
              net.kit.processors());
      double droppedBefore = TestNet.count(node, PacketResult.DROPPED_OVERLOAD);
      // One connection, so one loop. Two packets held briefly, then released: their bytes are free.
      try (var client = new TestClient(net, node.port())) {
        client.send(net.packet(300, "brief-0", 0));
        client.send(net.packet(300, "brief-1", 0));
        Eventually.await("both released", () -> net.sink.packets.size() == 2);
        for (int i = 0; i < 3; i++) {
          client.send(net.packet(60_000, "held-" + i, 0));
        }
        Eventually.await(
            "the third long-held packet refused for its bytes",
            () -> TestNet.count(node, PacketResult.DROPPED_OVERLOAD) == droppedBefore + 1);
        assertThat(node.delayPoolSize()).isEqualTo(2);
        assertThat(node.isLive()).isTrue();
      }
    }
  }

  @Test
  void heldPacketsOnEveryLoopAreForwardedAcrossTheDrain() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.meanDelayMillis = 5_000;
      net.writeFiles();
      Mixnode node =
          net.start(twoLoops(net.settings(0), 4096, Duration.ofSeconds(6)), net.kit.processors());
      double droppedBefore = TestNet.count(node, PacketResult.DROPPED_SHUTDOWN);
      List<String> soon = new ArrayList<>();
      List<TestClient> clients = new ArrayList<>();
      try {
        for (int c = 0; c < 4; c++) {
          clients.add(new TestClient(net, node.port()));
        }
        for (int c = 0; c < clients.size(); c++) {
          for (int i = 0; i < 3; i++) {
            String payload = "soon-" + c + "-" + i;
            soon.add(payload);
            // Due after the stop begins (the drain must release them), well within its 6 s.
            clients.get(c).send(net.packet(3_000 + 100 * i, payload, 0));
          }
          clients.get(c).send(net.packet(60_000, "much-later-" + c, 0));
        }
        Eventually.await("sixteen packets held", () -> node.delayPoolSize() == 16);
        assertThat(node.loops()).hasSize(2).allMatch(loop -> loop.delayedSize() > 0);
        node.stop().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
      } finally {
        clients.forEach(TestClient::close);
      }

      assertThat(net.payloadsAtSink()).containsExactlyInAnyOrderElementsOf(soon);
      assertThat(TestNet.count(node, PacketResult.DROPPED_SHUTDOWN)).isEqualTo(droppedBefore + 4);
      assertThat(node.isReady()).isFalse();
      net.nodes.clear(); // stopped already
    }
  }
}
