package dev.betanet.router.packet;

import dev.betanet.protocol.memory.ByteBudget;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The small crypto pool that peels the packets the router's packet port receives (never the event
 * loop), bounded in packets and in bytes: the topology may set packets of up to 64 KiB, and the
 * packet bound alone would then let a flood through the mixnet hold 256 MiB here. A packet that
 * fits neither bound is refused, never queued.
 */
final class ReceivedPacketPool {

  /** Packets waiting for a thread, at most. */
  static final int BOUND_PACKETS = 4096;

  private final ThreadPoolExecutor executor;
  private final ByteBudget held;

  /**
   * @param boundBytes the bytes of packets waiting or being peeled, at most
   */
  ReceivedPacketPool(int threads, int boundPackets, long boundBytes) {
    if (boundBytes < 1) {
      throw new IllegalArgumentException("the pool must hold at least one byte");
    }
    this.held = new ByteBudget(boundBytes);
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(boundPackets),
            Thread.ofPlatform().name("router-crypto-", 0).daemon().factory());
  }

  /** A sixteenth of the heap: 4,096 packets of the default 2 KiB fit in a 128 MiB heap. */
  static long defaultBoundBytes() {
    return Runtime.getRuntime().maxMemory() / 16;
  }

  /**
   * Runs {@code peel} on {@code packet} on a pool thread; false, with nothing queued, when the pool
   * holds its bound in packets or in bytes.
   */
  boolean submit(byte[] packet, Consumer<byte[]> peel) {
    int size = packet.length;
    if (!held.tryTake(size)) {
      return false;
    }
    try {
      executor.execute(
          () -> {
            try {
              peel.accept(packet);
            } finally {
              held.release(size);
            }
          });
      return true;
    } catch (RejectedExecutionException e) {
      held.release(size);
      return false;
    }
  }

  /** Bytes of packets waiting or being peeled now. */
  long heldBytes() {
    return held.used();
  }

  void shutdownNow() {
    executor.shutdownNow();
  }
}
