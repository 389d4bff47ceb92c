package dev.betanet.operator.crd;

import java.util.ArrayList;
import java.util.List;

/** One judgement of a canary step by the routers' metrics. */
public class CanaryAnalysisStatus {

  /** When the routers were read (RFC 3339). */
  public String time;

  /** Where the counts came from: direct or prometheus. */
  public String provider;

  /** The weight that was judged. */
  public int weight;

  /**
   * The verdict as a CamelCase word: Healthy, InsufficientSamples, RouterUnreachable, NoMetrics,
   * ErrorRateExceeded, LatencyExceeded, or (provider prometheus) PrometheusUnreachable,
   * PrometheusQueryFailed, PrometheusNoData, PrometheusTokenUnavailable; and from the anonymity
   * gate EntropyBelowMinimum, EntropyUnknown (the step holds).
   */
  public String reason;

  /** The numbers behind the verdict. */
  public String message;

  /** Start of the window the counts cover (RFC 3339). */
  public String windowStartedAt;

  public int routersAnswered;
  public int routersTotal;

  /** Routers that could not be read, each {@code <pod>: <why>}. */
  public List<String> unreachable = new ArrayList<>();

  /** Requests through the mixnet in the window. */
  public TransportAnalysis mixnet;

  /** Requests through the fallback tunnel in the window; absent with provider prometheus. */
  public TransportAnalysis fallback;
}
