package dev.betanet.operator.analysis;

/**
 * What one transport did during a canary step's window, as the judge needs it, whichever provider
 * measured it: the routers' own counters followed by the operator ({@link Window}) or PromQL
 * answers from Prometheus ({@link QueriedStats}).
 */
public interface RequestStats {

  /** Requests that count for the error rate: served or failed, not refused as invalid. */
  long samples();

  /** Failed requests among {@link #samples()}. */
  double errors();

  /** Failed ÷ judged requests; 0 with no requests. */
  double errorRate();

  /** 95th-percentile latency in seconds; NaN when the window has no latencies. */
  double p95Seconds();
}
