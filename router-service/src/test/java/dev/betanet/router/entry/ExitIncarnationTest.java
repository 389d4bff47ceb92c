package dev.betanet.router.entry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.fragment.Fragments;
import dev.betanet.protocol.fragment.Reassembler;
import dev.betanet.router.entry.PendingRequest.ExitProcess;
import org.junit.jupiter.api.Test;

/**
 * What an acknowledgement's exit incarnation does to a request's acknowledgements ({@link
 * PendingRequest#exitProcess}); the whole story over real sockets is {@code ExitRestartTest}.
 */
class ExitIncarnationTest {

  private static final long FIRST = 1_764_000_000_000L;
  private static final long SECOND = FIRST + 20_000;
  private static final long THIRD = SECOND + 20_000;

  private static PendingRequest request(int fragments) {
    var format = new Fragments(100);
    return new PendingRequest(
        7,
        "echo.fog",
        format.split(7, new byte[fragments * format.dataBytesPerFragment()]),
        new Reassembler(format, 1 << 20, 1),
        16,
        p -> {});
  }

  @Test
  void aLaterProcessVoidsTheAcknowledgementsOfAnEarlierOneThatNeverHadTheWholeRequest() {
    PendingRequest p = request(4);
    assertThat(p.exitProcess(FIRST, 2)).isEqualTo(ExitProcess.SAME);
    p.acknowledge(0);
    p.acknowledge(1);

    assertThat(p.exitProcess(SECOND, 2)).isEqualTo(ExitProcess.RESTARTED);

    assertThat(p.ackedCount).isZero();
    assertThat(p.acked).containsOnly(false);
    assertThat(p.exitIncarnation).isEqualTo(SECOND);
  }

  @Test
  void aLateAcknowledgementFromTheEarlierProcessIsStaleAndChangesNothing() {
    PendingRequest p = request(4);
    p.exitProcess(FIRST, 2);
    p.acknowledge(0);
    p.exitProcess(SECOND, 2);
    p.acknowledge(2);

    assertThat(p.exitProcess(FIRST, 2)).isEqualTo(ExitProcess.STALE);

    assertThat(p.ackedCount).isEqualTo(1);
    assertThat(p.acked[2]).isTrue();
    assertThat(p.exitIncarnation).isEqualTo(SECOND);
  }

  @Test
  void aRequestTheEarlierProcessHadWholeIsLostNotSentAgain() {
    PendingRequest p = request(3);
    p.exitProcess(FIRST, 2);
    for (int i = 0; i < 3; i++) {
      p.acknowledge(i);
    }

    assertThat(p.exitProcess(SECOND, 2)).isEqualTo(ExitProcess.LOST_WHOLE);
    assertThat(p.ackedCount).as("nothing reset").isEqualTo(3);
  }

  @Test
  void restartsPastTheLimitLoseTheRequest() {
    PendingRequest p = request(4);
    p.exitProcess(FIRST, 1);
    p.acknowledge(0);
    assertThat(p.exitProcess(SECOND, 1)).isEqualTo(ExitProcess.RESTARTED);
    p.acknowledge(0);

    assertThat(p.exitProcess(THIRD, 1)).isEqualTo(ExitProcess.LOST_WHOLE);
  }
}
