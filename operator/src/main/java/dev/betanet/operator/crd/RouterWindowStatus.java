package dev.betanet.operator.crd;

/**
 * One router within the analysis window: its counters at the last scrape (the baseline the next
 * scrape is compared with, like Prometheus's {@code increase()}) and what it counted since the
 * window began.
 */
public class RouterWindowStatus {

  /** The router's pod. */
  public String pod;

  /** Cumulative mixnet counters at the router's last scrape. */
  public TransportCounters lastMixnet;

  /** Cumulative fallback counters at the router's last scrape. */
  public TransportCounters lastFallback;

  /** Mixnet requests counted since the window began. */
  public TransportCounters mixnet;

  /** Fallback requests counted since the window began. */
  public TransportCounters fallback;
}
