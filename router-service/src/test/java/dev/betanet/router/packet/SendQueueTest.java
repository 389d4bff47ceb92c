package dev.betanet.router.packet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.router.loopback.Eventually;
import dev.betanet.router.state.RouterMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The send queue on its own, its departures recorded where the links would take them: the order of
 * real and cover packets, the refusal of a full queue, and the unpaced mode. (The timing of
 * departures on a real link is {@code SendQueueTimingTest}'s.)
 */
class SendQueueTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RouterMetrics metrics = new RouterMetrics(registry, () -> 0, () -> 0);
  private final List<String> departed = new ArrayList<>();
  private final AtomicLong rate = new AtomicLong(500);
  private final PacketOutlet recorder =
      (address, packet) -> {
        synchronized (departed) {
          departed.add(address + "/" + packet[0]);
        }
        return true;
      };
  private SendQueue queue;

  private SendQueue queue(int capacity, SendQueue.CoverSource cover) {
    queue =
        new SendQueue(
            "test", recorder, rate::get, capacity, cover, metrics, new SplittableRandom(7));
    return queue;
  }

  @AfterEach
  void stop() {
    if (queue != null) {
      queue.stop();
    }
  }

  private static SendQueue.CoverSource cover() {
    return () -> Optional.of(new SendQueue.Departure("cover", new byte[] {0}));
  }

  private List<String> departed() {
    synchronized (departed) {
      return List.copyOf(departed);
    }
  }

  private double slots(String kind) {
    return registry.get("betanet.router.send.slots").tag("kind", kind).counter().count();
  }

  @Test
  void realPacketsLeaveInOrderInSlotsAndEmptySlotsSendCover() {
    SendQueue q = queue(16, cover());
    for (int i = 1; i <= 10; i++) {
      assertThat(q.send("hop", new byte[] {(byte) i})).isTrue();
    }
    q.start();
    Eventually.await(
        "ten real departures and cover after them",
        Duration.ofSeconds(20),
        () -> departed().size() >= 15);

    List<String> first = departed().subList(0, 15);
    // The real packets were waiting: they take the first ten slots, in order; then cover.
    for (int i = 0; i < 10; i++) {
      assertThat(first.get(i)).isEqualTo("hop/" + (i + 1));
    }
    assertThat(first.subList(10, 15)).containsOnly("cover/0");
    assertThat(slots(RouterMetrics.SLOT_REAL)).isEqualTo(10);
    assertThat(slots(RouterMetrics.SLOT_COVER)).isGreaterThanOrEqualTo(5);
    assertThat(registry.get("betanet.router.send.queue.wait").timer().count()).isEqualTo(10);
  }

  @Test
  void aFullQueueRefusesAndCountsInsteadOfGrowing() {
    SendQueue q = queue(3, cover()); // not started: nothing leaves
    assertThat(q.send("hop", new byte[] {1})).isTrue();
    assertThat(q.send("hop", new byte[] {2})).isTrue();
    assertThat(q.send("hop", new byte[] {3})).isTrue();
    assertThat(q.room()).isZero();

    assertThat(q.send("hop", new byte[] {4})).isFalse();

    assertThat(q.depth()).isEqualTo(3);
    assertThat(registry.get("betanet.router.send.queue.refused").tag("reason", "full").counter())
        .extracting(c -> c.count())
        .isEqualTo(1.0);
    assertThat(registry.get("betanet.router.send.queue.packets").gauge().value()).isEqualTo(3);
    // The last of three packets at 500/s leaves within (3 + 3√3 + 1) / 500 s = 19 ms (bound).
    assertThat(q.drainMillis()).isEqualTo(19);
  }

  @Test
  void rateZeroSendsAtOnceAndNoCover() {
    rate.set(0);
    SendQueue q = queue(16, cover());
    q.start();
    assertThat(q.send("hop", new byte[] {1})).isTrue();
    assertThat(departed()).containsExactly("hop/1");
    assertThat(q.drainMillis()).isZero();
    assertThat(slots(RouterMetrics.SLOT_UNPACED)).isEqualTo(1);
    assertThat(slots(RouterMetrics.SLOT_COVER)).isZero();
  }

  @Test
  void aSlotWithNoCoverToSendIsCountedEmpty() {
    SendQueue q = queue(16, Optional::empty);
    q.start();
    Eventually.await(
        "empty slots", Duration.ofSeconds(20), () -> slots(RouterMetrics.SLOT_EMPTY) >= 5);
    assertThat(departed()).isEmpty();
  }

  @Test
  void departureCallbacksRunWhenThePacketLeavesNotWhenItIsQueued() {
    rate.set(0);
    var queue = queue(8, () -> Optional.empty());
    AtomicLong left = new AtomicLong();
    // Unpaced: it leaves at once, so the callback has run on return.
    assertThat(queue.send("a", new byte[] {1}, left::incrementAndGet)).isTrue();
    assertThat(left.get()).isEqualTo(1);

    rate.set(20); // paced, thread not started: the packet waits, and so does its callback
    assertThat(queue.send("a", new byte[] {2}, left::incrementAndGet)).isTrue();
    assertThat(left.get()).isEqualTo(1);
    queue.start();
    Eventually.await("the queued packet left", Duration.ofSeconds(10), () -> left.get() == 2);
    assertThat(departed).contains("a/2");

    // A refused packet never leaves: its callback never runs.
    queue.stop();
    for (int i = 0; i < 8; i++) {
      queue.send("b", new byte[] {3}, () -> {});
    }
    assertThat(queue.send("b", new byte[] {4}, left::incrementAndGet)).isFalse();
    assertThat(left.get()).isEqualTo(2);
  }

  @Test
  void theSlotRateIsTheSendRateRaisedToTheCoverRateAndZeroStaysUnpaced() {
    var mixing = new dev.betanet.protocol.topology.Topology.Mixing(50, 0);
    assertThat(SendQueue.slotRate(mixing.withSendRatePerSecond(100))).isEqualTo(100);
    // Cover at 20/s (50 ms interval) is below the send rate: the send rate holds.
    var cover20 = new dev.betanet.protocol.topology.Topology.Mixing(50, 50);
    assertThat(SendQueue.slotRate(cover20.withSendRatePerSecond(100))).isEqualTo(100);
    // Adaptive cover raised to 250/s (4 ms): the routers' streams follow.
    var cover250 = new dev.betanet.protocol.topology.Topology.Mixing(50, 4);
    assertThat(SendQueue.slotRate(cover250.withSendRatePerSecond(100))).isEqualTo(250);
    // Rate 0 is the unpaced mode, whatever the cover rate.
    assertThat(SendQueue.slotRate(cover250.withSendRatePerSecond(0))).isZero();
  }
}
