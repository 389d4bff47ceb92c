package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * More packets than a packet loop's backlog can hold: the bound refuses the excess (counted), every
 * packet is accounted for, and the node stays live and ready.
 */
class OverloadTest {

  @Test
  void dropsAndCountsWhatALoopsBacklogCannotHold() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.writeFiles();
      var base = net.settings(0);
      int bound = 4;
      var tight =
          new MixnodeSettings(
              base.nodeId(),
              base.keysFile(),
              base.topologyFile(),
              base.host(),
              base.port(),
              1, // one packet loop
              bound, // four packets may wait on it
              base.delayPool(),
              base.delayPoolBytes(),
              base.nextHopQueue(),
              base.drainTimeout(),
              base.reloadInterval(),
              base.stuckAfter());
      HopProcessorFactory real = net.kit.processors();
      // The first packet holds the loop (it processes on the thread that reads) until the burst
      // is in the node's socket buffer: the loop then reads the whole burst in one turn, before
      // it processes any of it, so exactly `bound` packets fit and the rest must be refused.
      CountDownLatch firstEntered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicBoolean first = new AtomicBoolean(true);
      HopProcessorFactory held =
          state -> {
            HopProcessor processor = real.create(state);
            return packet -> {
              if (first.compareAndSet(true, false)) {
                firstEntered.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return processor.process(packet);
            };
          };
      Mixnode node = net.start(tight, held);
      double forwardedBefore = TestNet.count(node, PacketResult.FORWARDED);
      double droppedBefore = TestNet.count(node, PacketResult.DROPPED_OVERLOAD);
      // 14 KB: one TLS record (at most 16 KiB), so it reaches the loop in one read. A burst over
      // several records can reach the loop in several reads, with a processing turn between them.
      int burst = 7;
      // A blocking TLS socket (as a router: layer 0 accepts routers), not one on the test's
      // Vert.x: the held loop may be the one it would use.
      try (var client =
          (SSLSocket)
              net.routerTls()
                  .sslContext()
                  .getSocketFactory()
                  .createSocket(InetAddress.getLoopbackAddress(), node.port())) {
        client.startHandshake();
        OutputStream out = client.getOutputStream();
        out.write(TestSink.frame(net.packet(0, "holds-the-loop", 0)).getBytes());
        Eventually.await("the loop held", () -> firstEntered.getCount() == 0);
        Buffer frames = Buffer.buffer();
        for (int i = 0; i < burst; i++) {
          frames.appendBuffer(TestSink.frame(net.packet(0, "burst-" + i, 0)));
        }
        out.write(frames.getBytes()); // one write, one record: in the node's buffer on return
        release.countDown();

        Eventually.await(
            "the excess refused",
            () ->
                TestNet.count(node, PacketResult.DROPPED_OVERLOAD)
                    == droppedBefore + burst - bound);
        Eventually.await(
            "the admitted packets forwarded",
            () -> TestNet.count(node, PacketResult.FORWARDED) == forwardedBefore + 1 + bound);
        assertThat(TestNet.count(node, PacketResult.DROPPED_OVERLOAD))
            .isEqualTo(droppedBefore + burst - bound);
        assertThat(node.isLive()).isTrue();
        assertThat(node.isReady()).isTrue();

        // Forwarded means written to the link: wait until the sink has read them all, so the
        // count below is not raced by the burst's last packets still on the wire.
        Eventually.await(
            "the admitted packets at the sink", () -> net.sink.packets.size() == 1 + bound);

        // Once the burst is over, packets flow again.
        out.write(TestSink.frame(net.packet(0, "after-the-burst", 0)).getBytes());
        Eventually.await("the next packet forwarded", () -> net.sink.packets.size() == bound + 2);
      }
    }
  }
}
