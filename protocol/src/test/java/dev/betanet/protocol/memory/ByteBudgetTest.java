package dev.betanet.protocol.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A byte budget never lets {@code tryTake} past its bound, and gives room back on release. */
class ByteBudgetTest {

  @Test
  void takesUpToTheBoundAndNoFurther() {
    var budget = new ByteBudget(100);
    assertThat(budget.tryTake(60)).isTrue();
    assertThat(budget.tryTake(40)).isTrue();
    assertThat(budget.tryTake(1)).isFalse();
    assertThat(budget.used()).isEqualTo(100);

    budget.release(40);
    assertThat(budget.tryTake(41)).isFalse();
    assertThat(budget.tryTake(40)).isTrue();
  }

  @Test
  void anUnconditionalTakeGoesPastTheBoundAndBlocksTryTakeUntilReleased() {
    var budget = new ByteBudget(100);
    budget.take(150);
    assertThat(budget.used()).isEqualTo(150);
    assertThat(budget.tryTake(1)).isFalse();
    budget.release(150);
    assertThat(budget.tryTake(100)).isTrue();
  }

  @Test
  void threadsTakingAndReleasingTogetherNeverPassTheBound() throws Exception {
    var budget = new ByteBudget(1_000);
    AtomicLong highest = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 100_000; i++) {
                      if (budget.tryTake(300)) {
                        highest.accumulateAndGet(budget.used(), Math::max);
                        budget.release(300);
                      }
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(highest.get()).isBetween(300L, 1_000L);
    assertThat(budget.used()).isZero();
  }

  @Test
  void refusesANegativeBound() {
    assertThatThrownBy(() -> new ByteBudget(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
