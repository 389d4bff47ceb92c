package dev.betanet.protocol.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingHandshakesTest {

  /** A handshake that notes its own eviction. */
  private static final class Noted implements PendingHandshakes.Pending {
    final String name;
    final List<String> evicted;

    Noted(String name, List<String> evicted) {
      this.name = name;
      this.evicted = evicted;
    }

    @Override
    public void evict() {
      evicted.add(name);
    }
  }

  @Test
  void theOldestIsPushedOutBeyondTheBound() {
    List<String> evicted = new ArrayList<>();
    var bound = new PendingHandshakes(2);
    var a = new Noted("a", evicted);
    var b = new Noted("b", evicted);
    var c = new Noted("c", evicted);
    bound.begin(a);
    bound.begin(b);
    assertThat(evicted).isEmpty();
    bound.begin(c);
    assertThat(evicted).containsExactly("a");
    assertThat(bound.size()).isEqualTo(2);
    assertThat(bound.end(a)).as("a pushed-out handshake is no longer pending").isFalse();
    assertThat(bound.end(b)).isTrue();
    assertThat(bound.end(b)).as("ended once").isFalse();
  }

  @Test
  void anEndedHandshakeFreesItsSlot() {
    List<String> evicted = new ArrayList<>();
    var bound = new PendingHandshakes(1);
    var a = new Noted("a", evicted);
    bound.begin(a);
    assertThat(bound.end(a)).isTrue();
    bound.begin(new Noted("b", evicted));
    assertThat(evicted).isEmpty();
  }

  @Test
  void refusesANonPositiveBound() {
    assertThatThrownBy(() -> new PendingHandshakes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 0");
  }
}
