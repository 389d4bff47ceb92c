package dev.betanet.protocol.packet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.crypto.X25519;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Mixnodes call one processor from several crypto threads at once. */
class ConcurrentProcessingTest {

  final PacketGeometry geometry = PacketGeometry.DEFAULT;
  final TestClock clock = new TestClock(1_790_000_000_000L);
  final SecureRandom random = new SecureRandom();
  final PacketBuilder builder =
      new PacketBuilder(geometry, X25519.bouncyCastle(), random, clock, 10);
  final TestNode node = new TestNode(geometry, random, 3, clock);
  final TestNode next = new TestNode(geometry, random, 3, clock);
  final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  <T> List<T> runTogether(List<Callable<T>> tasks) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> task : tasks) {
      futures.add(
          pool.submit(
              () -> {
                start.await();
                return task.call();
              }));
    }
    start.countDown();
    List<T> results = new ArrayList<>();
    for (Future<T> future : futures) {
      results.add(future.get());
    }
    return results;
  }

  @Test
  void processesDistinctPacketsCorrectlyFromManyThreads() throws Exception {
    List<Callable<Boolean>> tasks = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      byte[] message = ("message " + i).getBytes();
      byte[] packet = builder.forward(List.of(node.hop(5), next.hop(0)), message).packet();
      tasks.add(
          () -> {
            ProcessResult.Forward forward = (ProcessResult.Forward) node.processor.process(packet);
            byte[] copy = forward.packet().clone();
            ProcessResult.Deliver deliver = (ProcessResult.Deliver) next.processor.process(copy);
            return java.util.Arrays.equals(deliver.message(), message);
          });
    }
    assertThat(runTogether(tasks)).hasSize(200).containsOnly(true);
  }

  @Test
  void letsOnlyOneOfConcurrentCopiesOfAPacketThrough() throws Exception {
    for (int round = 0; round < 20; round++) {
      byte[] packet = builder.forward(List.of(node.hop(5), next.hop(0)), new byte[10]).packet();
      List<Callable<Boolean>> tasks = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        byte[] copy = packet.clone();
        tasks.add(
            () -> {
              try {
                node.processor.process(copy);
                return true;
              } catch (PacketException e) {
                assertThat(e.kind()).isEqualTo(PacketException.Kind.REPLAY);
                return false;
              }
            });
      }
      assertThat(runTogether(tasks)).as("round %d", round).containsOnlyOnce(true);
    }
  }
}
