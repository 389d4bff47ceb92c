package dev.betanet.router.entry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SuspectNodesTest {

  private final AtomicLong now = new AtomicLong(1000);
  private final SuspectNodes suspects = new SuspectNodes(Duration.ofSeconds(30), now::get);

  @Test
  void suspectsOnlyNodesNotConfirmedSinceTheAttemptBegan() {
    suspects.confirm(List.of("old")); // confirmed before the attempt: no alibi
    now.set(2000);
    suspects.confirm(List.of("good"));
    now.set(3000);

    suspects.unanswered(List.of("old", "good", "dead"), 1500);

    assertThat(suspects.current()).containsExactlyInAnyOrder("old", "dead");
  }

  @Test
  void aConfirmationClearsSuspicionAndSuspicionExpires() {
    suspects.unanswered(List.of("a", "b"), 0);
    suspects.confirm(List.of("a"));

    assertThat(suspects.current()).containsExactly("b");
    now.addAndGet(30_000);
    assertThat(suspects.current()).isEmpty();
  }
}
