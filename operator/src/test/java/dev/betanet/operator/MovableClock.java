package dev.betanet.operator;

import dev.betanet.operator.reconcile.OperatorClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move by hand, installed in place of {@link OperatorClock}. */
class MovableClock extends OperatorClock {

  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.now().truncatedTo(ChronoUnit.SECONDS));

  @Override
  public Instant now() {
    return now.get();
  }

  /** Moves the clock to {@code instant}, which must not be earlier than now. */
  void set(Instant instant) {
    now.updateAndGet(
        t -> {
          if (instant.isBefore(t)) {
            throw new IllegalArgumentException(
                "BUG: clock moved back from " + t + " to " + instant);
          }
          return instant;
        });
  }

  void advance(Duration duration) {
    now.updateAndGet(t -> t.plus(duration));
  }
}
