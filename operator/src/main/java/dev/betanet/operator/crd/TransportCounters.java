package dev.betanet.operator.crd;

import java.util.LinkedHashMap;
import java.util.Map;

/** Request counters of one transport: served, failed, and the cumulative latency histogram. */
public class TransportCounters {

  public double ok;

  public double errors;

  /** Upper bound in seconds ({@code +Inf} for the last) → requests at or under it. */
  public Map<String, Double> buckets = new LinkedHashMap<>();
}
