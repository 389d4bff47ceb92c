package dev.betanet.operator.crd;

/** What one transport did during an analysis window, over every router that answered. */
public class TransportAnalysis {

  /** Requests judged (served or failed; requests refused as invalid are not counted). */
  public long samples;

  public long errors;

  /** errors ÷ samples, 0..1. */
  public double errorRate;

  /** 95th-percentile request latency in seconds; absent when the window has no latencies. */
  public Double p95Seconds;
}
