package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * More packets than the crypto threads can take: the bounded queue refuses the excess (counted),
 * every packet is accounted for, and the node stays live and ready.
 */
class OverloadTest {

  @Test
  void dropsAndCountsWhatTheCryptoQueueCannotHold() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.writeFiles();
      var base = net.settings(0);
      var tight =
          new MixnodeSettings(
              base.nodeId(),
              base.keysFile(),
              base.topologyFile(),
              base.host(),
              base.port(),
              1, // one crypto thread
              8, // eight packets may wait for it
              base.delayPool(),
              base.nextHopQueue(),
              base.drainTimeout(),
              base.reloadInterval(),
              base.stuckAfter());
      HopProcessorFactory real = net.kit.processors();
      // The crypto thread is held until the whole burst has arrived: exactly the 8 packets the
      // queue admits can wait for it, so the other 192 must be refused, however fast the machine.
      CountDownLatch cryptoHeld = new CountDownLatch(1);
      HopProcessorFactory held =
          state -> {
            HopProcessor processor = real.create(state);
            return packet -> {
              try {
                cryptoHeld.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return processor.process(packet);
            };
          };
      Mixnode node = net.start(tight, held);
      double forwardedBefore = TestNet.count(node, PacketResult.FORWARDED);
      double droppedBefore = TestNet.count(node, PacketResult.DROPPED_OVERLOAD);
      int burst = 200;
      int admitted = tight.cryptoQueue();
      try (var client = new TestClient(net, node.port())) {
        for (int i = 0; i < burst; i++) {
          client.send(net.packet(0, "burst-" + i, 0));
        }
        Eventually.await(
            "the excess refused",
            Duration.ofSeconds(10),
            () ->
                TestNet.count(node, PacketResult.DROPPED_OVERLOAD)
                    == droppedBefore + burst - admitted);
        assertThat(node.isLive()).isTrue();
        cryptoHeld.countDown();
        Eventually.await(
            "the admitted packets forwarded",
            () -> TestNet.count(node, PacketResult.FORWARDED) == forwardedBefore + admitted);
        assertThat(TestNet.count(node, PacketResult.DROPPED_OVERLOAD))
            .isEqualTo(droppedBefore + burst - admitted);
        assertThat(node.isLive()).isTrue();
        assertThat(node.isReady()).isTrue();

        // Forwarded means written to the link: wait until the sink has read them all, so the
        // count below is not raced by the burst's last packets still on the wire.
        Eventually.await(
            "the admitted packets at the sink", () -> net.sink.packets.size() == admitted);

        // Once the burst is over, packets flow again.
        client.send(net.packet(0, "after-the-burst", 0));
        Eventually.await(
            "the next packet forwarded", () -> net.sink.packets.size() == admitted + 1);
        assertThat(client.closed).isFalse();
      }
    }
  }
}
