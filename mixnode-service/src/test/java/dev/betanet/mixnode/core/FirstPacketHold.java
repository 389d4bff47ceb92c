package dev.betanet.mixnode.core;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocket;

/**
 * Holds a packet loop inside its first packet's processing (it processes on the thread that reads)
 * until a burst is in the node's socket buffer: the loop then reads the whole burst in one turn,
 * before it processes any of it. For tests of what one read of many packets does to a loop.
 */
final class FirstPacketHold {

  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicBoolean first = new AtomicBoolean(true);

  /** {@code real}, with the first packet held and every later one run through {@code eachLater}. */
  HopProcessorFactory around(HopProcessorFactory real, Runnable eachLater) {
    return state -> {
      HopProcessor processor = real.create(state);
      return packet -> {
        try {
          if (first.compareAndSet(true, false)) {
            entered.countDown();
            release.await();
          } else {
            eachLater.run();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return processor.process(packet);
      };
    };
  }

  /**
   * Over a blocking TLS socket (as a router: layer 0 accepts routers; not one on the test's Vert.x,
   * whose loop may be the held one): sends {@code holder}, waits until it holds the loop, writes
   * {@code burst} in one write and lets the loop go. The burst should fit one TLS record (at most
   * 16 KiB): a burst over several records can reach the loop in several reads, with a processing
   * turn between them. Returns the open socket, for packets after the burst.
   */
  SSLSocket sendBurst(TestNet net, Mixnode node, byte[] holder, List<byte[]> burst)
      throws IOException, InterruptedException {
    var client =
        (SSLSocket)
            net.routerTls()
                .sslContext()
                .getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), node.port());
    client.startHandshake();
    OutputStream out = client.getOutputStream();
    out.write(TestSink.frame(holder).getBytes());
    Eventually.await("the loop held", () -> entered.getCount() == 0);
    Buffer frames = Buffer.buffer();
    for (byte[] packet : burst) {
      frames.appendBuffer(TestSink.frame(packet));
    }
    out.write(frames.getBytes()); // one write, one record: in the node's buffer on return
    release.countDown();
    return client;
  }
}
