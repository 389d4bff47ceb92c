package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.mixnode.sphinx.SphinxProcessors;
import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The replay filter lives in memory. A packet captured shortly before a restart, replayed after it,
 * must not leave the node a second time: that would give an observer the same output bytes for the
 * same input bytes and link them.
 */
class RestartReplayTest {

  /** The system clock moved by a settable offset. */
  static final class OffsetClock implements InstantSource {
    final AtomicLong offsetMillis = new AtomicLong();

    @Override
    public long millis() {
      return System.currentTimeMillis() + offsetMillis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }
  }

  @Test
  void aPacketCapturedBeforeARestartIsRefusedAfterIt() throws Exception {
    var x25519 = X25519.bestAvailable();
    try (var net = new TestNet(1, Kits.create())) {
      net.writeFiles();
      // The first process started half a minute ago, so it accepts packets stamped now.
      var firstClock = new OffsetClock();
      firstClock.offsetMillis.set(-30_000);
      var firstProcessors =
          SphinxProcessors.startingNow(
              ReplayWindow.DEFAULT,
              new BloomReplayFilter(ReplayWindow.DEFAULT, 1_000, 32, firstClock),
              firstClock,
              x25519);
      firstClock.offsetMillis.set(0);
      Mixnode first = net.start(net.settings(0), firstProcessors);

      byte[] captured = net.packet(0, "seen-once", 0);
      try (var client = new TestClient(net, first.port())) {
        client.send(captured.clone());
        Eventually.await("forwarded by the first process", () -> net.sink.packets.size() == 1);
      }
      first.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      net.nodes.remove(first);

      // Same keys, same files, a new process: its replay filter is empty.
      var restarted =
          net.start(
              net.settings(0).withPort("127.0.0.1", 0),
              SphinxProcessors.startingNow(
                  ReplayWindow.DEFAULT,
                  BloomReplayFilter.forRate(ReplayWindow.DEFAULT, 1_000),
                  InstantSource.system(),
                  x25519));
      double refusedBefore = TestNet.count(restarted, PacketResult.BEFORE_START);
      try (var client = new TestClient(net, restarted.port())) {
        client.send(captured.clone());
        Eventually.await(
            "the replay refused",
            () -> TestNet.count(restarted, PacketResult.BEFORE_START) == refusedBefore + 1);
      }
      assertThat(net.sink.packets).hasSize(1);
      assertThat(TestNet.count(restarted, PacketResult.FORWARDED)).isZero();
      assertThat(net.payloadsAtSink()).containsExactly("seen-once");
    }
  }
}
