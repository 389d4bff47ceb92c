package dev.betanet.operator.crd;

import java.util.ArrayList;
import java.util.List;

/**
 * The analysis window of the step in force, as the operator needs it to go on judging the step
 * after a restart or a change of leader: which step it belongs to, when it began, and each router's
 * counters. Without it a new operator would open the window afresh (restarting the step) or lose
 * what routers counted before the restart.
 */
public class CanaryWindowStatus {

  /** The weight of the step this window judges. */
  public int weight;

  /** {@code status.canary.stepStartedAt} of that step (RFC 3339): a new step is a new window. */
  public String stepStartedAt;

  /** When the window began (RFC 3339); the step may leave a full {@code stepInterval} after. */
  public String startedAt;

  /** Every router read during the window, by pod name. */
  public List<RouterWindowStatus> routers = new ArrayList<>();
}
