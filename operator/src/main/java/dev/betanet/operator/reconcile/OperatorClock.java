package dev.betanet.operator.reconcile;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The operator's notion of now; a bean so tests can move time (key rotation). */
@ApplicationScoped
public class OperatorClock {

  /** Now, to the second: timestamps in status and topology need no more. */
  public Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }
}
