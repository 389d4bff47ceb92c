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
 * {@code betanet_mixnode_backlog_wait_seconds}: how long each packet waited between the socket read
 * that brought it and the start of its processing, the node's own queueing.
 */
class BacklogWaitTest {

  private static final long STEP_MILLIS = 20;

  @Test
  void eachPacketOfABurstIsRecordedWithTheWaitBehindThoseBeforeIt() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.writeFiles();
      HopProcessorFactory real = net.kit.processors();
      // The first packet holds its loop until the burst is in the node's socket buffer, so the loop
      // reads the whole burst in one turn and then processes it in order, 20 ms a packet: packet i
      // of the burst waits at least i × 20 ms.
      CountDownLatch firstEntered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicBoolean first = new AtomicBoolean(true);
      HopProcessorFactory slow =
          state -> {
            HopProcessor processor = real.create(state);
            return packet -> {
              try {
                if (first.compareAndSet(true, false)) {
                  firstEntered.countDown();
                  release.await();
                } else {
                  Thread.sleep(STEP_MILLIS);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return processor.process(packet);
            };
          };
      Mixnode node = net.start(net.settings(0), slow);
      double[] before = node.metrics().backlogWaits();
      int burst = 7;
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
        out.write(frames.getBytes()); // 14 KB, one TLS record: in the node's buffer on return
        release.countDown();
        Eventually.await("all forwarded", () -> net.sink.packets.size() == burst + 1);
      }
      double[] after = node.metrics().backlogWaits();
      assertThat(after[0] - before[0]).isEqualTo(burst + 1);
      // 0 + 20 + 40 + ... + 120 ms for the burst
      assertThat(after[1] - before[1]).isGreaterThanOrEqualTo(STEP_MILLIS * 21.0);
    }
  }
}
