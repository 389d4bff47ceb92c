package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The loop's backlog keeps each packet with the time of its read, oldest first, across the wrap.
 */
class BacklogTest {

  @Test
  void eachPacketLeavesWithItsOwnReadTimeAcrossTheWrap() {
    Backlog backlog = new Backlog(3, Long.MAX_VALUE);
    int next = 0;
    int expected = 0;
    // Two packets in, all but one out, ten times: the ring's head and tail wrap several times.
    for (int round = 0; round < 10; round++) {
      for (int i = 0; i < 2; i++, next++) {
        backlog.add(new byte[] {(byte) next}, 1_000 + next);
      }
      while (backlog.size() > 1) {
        long readAt = backlog.oldestReadNanos();
        byte[] packet = backlog.poll();
        assertThat(packet).containsExactly((byte) expected);
        assertThat(readAt).isEqualTo(1_000 + expected);
        expected++;
      }
    }
    assertThat(expected).isEqualTo(19);
  }

  @Test
  void holdsNoMoreThanItsBoundAndEmptiesOnClear() {
    Backlog backlog = new Backlog(2, Long.MAX_VALUE);
    backlog.add(new byte[1], 1);
    backlog.add(new byte[1], 2);

    assertThat(backlog.fits(1)).isFalse();
    assertThatThrownBy(() -> backlog.add(new byte[1], 3)).isInstanceOf(IllegalStateException.class);
    backlog.clear();
    assertThat(backlog.isEmpty()).isTrue();
    assertThat(backlog.fits(1)).isTrue();
    assertThat(backlog.poll()).isNull();
  }

  @Test
  void holdsNoMoreBytesThanItsByteBoundAndFreesThemAsPacketsLeave() {
    Backlog backlog = new Backlog(100, 2_048 * 3);
    for (int i = 0; i < 3; i++) {
      backlog.add(new byte[2_048], i);
    }
    assertThat(backlog.fits(2_048)).isFalse();
    assertThat(backlog.fits(0)).isTrue(); // room in packets; the byte bound is what is reached
    assertThatThrownBy(() -> backlog.add(new byte[2_048], 3))
        .isInstanceOf(IllegalStateException.class);
    backlog.poll();
    assertThat(backlog.fits(2_048)).isTrue();
    assertThat(backlog.fits(2_049)).isFalse();
    backlog.clear();
    assertThat(backlog.fits(2_048 * 3)).isTrue();
  }
}
