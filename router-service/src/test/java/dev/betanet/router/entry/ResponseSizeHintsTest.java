package dev.betanet.router.entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResponseSizeHintsTest {

  @Test
  void aNameWithNoAnswerYetGetsTheConfiguredNumber() {
    assertThat(new ResponseSizeHints(8).surbsFor("echo.fog")).isEqualTo(8);
  }

  @Test
  void oneAnswerSetsTheExpectationForThatNameOnly() {
    var hints = new ResponseSizeHints(8);

    hints.answered("echo.fog", 1);

    assertThat(hints.surbsFor("echo.fog")).isEqualTo(1);
    assertThat(hints.surbsFor("other.fog")).isEqualTo(8);
  }

  @Test
  void growsAtOnceAndShrinksOnePacketPerAnswer() {
    var hints = new ResponseSizeHints(8);
    hints.answered("files.fog", 2);

    hints.answered("files.fog", 40);
    assertThat(hints.surbsFor("files.fog")).isEqualTo(40);

    hints.answered("files.fog", 1);
    hints.answered("files.fog", 1);
    assertThat(hints.surbsFor("files.fog")).isEqualTo(38);
  }

  @Test
  void anEmptyCountStillExpectsOnePacket() {
    var hints = new ResponseSizeHints(8);

    hints.answered("echo.fog", 0);

    assertThat(hints.surbsFor("echo.fog")).isEqualTo(1);
  }

  @Test
  void stopsLearningNewNamesPastTheBound() {
    var hints = new ResponseSizeHints(8);
    for (int i = 0; i < ResponseSizeHints.MAX_NAMES; i++) {
      hints.answered("n" + i + ".fog", 1);
    }

    hints.answered("late.fog", 1);
    hints.answered("n0.fog", 3);

    assertThat(hints.surbsFor("late.fog")).isEqualTo(8);
    assertThat(hints.surbsFor("n0.fog")).isEqualTo(3);
  }

  @Test
  void refusesZeroSurbsForUnknownNames() {
    assertThatThrownBy(() -> new ResponseSizeHints(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }
}
