package dev.betanet.router.packet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.router.loopback.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The pool that peels received packets refuses what it cannot hold, in packets or in bytes, and
 * gives the room back once a packet is peeled.
 */
class ReceivedPacketPoolTest {

  /** Blocks every pool thread until released; records what it peeled. */
  private static final class HeldPeel implements Consumer<byte[]> {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch started = new CountDownLatch(1);
    final List<byte[]> peeled = new CopyOnWriteArrayList<>();

    @Override
    public void accept(byte[] packet) {
      started.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      peeled.add(packet);
    }
  }

  @Test
  void packetsBeyondTheByteBoundAreRefusedAndTheirRoomComesBackOncePeeled() throws Exception {
    // Room for 1,000 packets, but bytes for three packets of 64 KiB (one on the thread, two
    // queued).
    var pool = new ReceivedPacketPool(1, 1_000, 3 * 65_536);
    var peel = new HeldPeel();
    try {
      assertThat(pool.submit(new byte[65_536], peel)).isTrue();
      assertThat(peel.started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(pool.submit(new byte[65_536], peel)).isTrue();
      assertThat(pool.submit(new byte[65_536], peel)).isTrue();
      assertThat(pool.submit(new byte[65_536], peel)).as("the fourth 64 KiB packet").isFalse();
      assertThat(pool.submit(new byte[1], peel)).as("even one byte more").isFalse();
      assertThat(pool.heldBytes()).isEqualTo(3 * 65_536);

      peel.release.countDown();
      Eventually.await("all three peeled", Duration.ofSeconds(10), () -> peel.peeled.size() == 3);
      Eventually.await(
          "their bytes given back", Duration.ofSeconds(10), () -> pool.heldBytes() == 0);
      assertThat(pool.submit(new byte[65_536], peel)).isTrue();
    } finally {
      peel.release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void packetsBeyondThePacketBoundAreRefusedWithoutHoldingBytes() throws Exception {
    // One packet on the thread, two in the queue; bytes for far more.
    var pool = new ReceivedPacketPool(1, 2, Long.MAX_VALUE);
    var peel = new HeldPeel();
    try {
      assertThat(pool.submit(new byte[2_048], peel)).isTrue();
      assertThat(peel.started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(pool.submit(new byte[2_048], peel)).isTrue();
      assertThat(pool.submit(new byte[2_048], peel)).isTrue();
      assertThat(pool.submit(new byte[2_048], peel)).isFalse();
      assertThat(pool.heldBytes()).as("the refused packet's bytes not held").isEqualTo(3 * 2_048);
    } finally {
      peel.release.countDown();
      pool.shutdownNow();
    }
  }
}
