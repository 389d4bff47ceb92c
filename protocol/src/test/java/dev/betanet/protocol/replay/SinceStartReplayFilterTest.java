package dev.betanet.protocol.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.replay.ReplayFilter.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SinceStartReplayFilterTest {

  static final long START = 1_790_000_000_000L;
  static final ReplayWindow WINDOW =
      new ReplayWindow(Duration.ofSeconds(120), Duration.ofSeconds(5));

  final AtomicLong now = new AtomicLong(START);
  final InstantSource clock =
      new InstantSource() {
        @Override
        public Instant instant() {
          return Instant.ofEpochMilli(now.get());
        }

        @Override
        public long millis() {
          return now.get();
        }
      };

  @Test
  void aRestartedNodeRefusesAPacketItsPreviousProcessMayHaveSeen() {
    byte[] tag = new byte[16];
    tag[0] = 42;
    // The previous process accepted a packet stamped one second before the restart...
    long stamped = START - 1_000;
    assertThat(new BloomReplayFilter(WINDOW, 100, 32, clock).check(tag, 0, stamped))
        .isEqualTo(Verdict.FRESH);
    // ...and the restarted one, whose memory starts now, must not accept it again.
    var restarted =
        new SinceStartReplayFilter(new BloomReplayFilter(WINDOW, 100, 32, clock), WINDOW, clock);
    now.addAndGet(1_000);
    assertThat(restarted.check(tag, 0, stamped)).isEqualTo(Verdict.BEFORE_START);
  }

  @Test
  void refusesUpToTheSkewThePreviousProcessAcceptedAndPassesLaterStampsToTheFilter() {
    var filter =
        new SinceStartReplayFilter(new BloomReplayFilter(WINDOW, 100, 32, clock), WINDOW, clock);
    assertThat(filter.acceptsFromMillis()).isEqualTo(START + 5_000);
    now.addAndGet(10_000);
    byte[] tag = new byte[16];
    // Stamped 4.999 s after the start: the old process, 5 s skew allowed, could have seen it.
    assertThat(filter.check(tag, 0, START + 4_999)).isEqualTo(Verdict.BEFORE_START);
    assertThat(filter.check(tag, 0, START + 5_000)).isEqualTo(Verdict.FRESH);
    assertThat(filter.check(tag, 0, START + 5_000)).isEqualTo(Verdict.REPLAY);
  }

  @Test
  void saysExpiredForATimestampOutsideTheWindowEvenBeforeTheStartBound() {
    var filter =
        new SinceStartReplayFilter(new BloomReplayFilter(WINDOW, 100, 32, clock), WINDOW, clock);
    assertThat(filter.check(new byte[16], 0, START - 120_001)).isEqualTo(Verdict.EXPIRED);
  }
}
