package dev.betanet.operator.crd;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed and did, per the Kubernetes API conventions. */
public class MixnetClusterStatus {

  /** The spec generation this status describes. */
  public Long observedGeneration;

  /**
   * Ready, MixnodesReady, RoutersReady, TopologyPublished, CanaryHealthy, CanaryProgressing,
   * AnonymityHealthy.
   */
  public List<Condition> conditions = new ArrayList<>();

  /** Progressing (nodes not all ready), Running (Ready=True) or Failed (invalid spec, error). */
  public String phase;

  public int readyMixnodes;
  public int desiredMixnodes;
  public int readyRouters;
  public int desiredRouters;

  /** {@code ready/desired}, for the printer column. */
  public String mixnodes;

  /** {@code ready/desired}, for the printer column. */
  public String routers;

  /** Epoch of the topology document last published. */
  public Long topologyEpoch;

  /** Canary weight in the published topology. */
  public Integer canaryWeight;

  /** The canary progression: desired and current weight, phase, step, last analysis. */
  public CanaryStatus canary;

  /** Epoch of the newest packet keys. */
  public Long keyEpoch;

  /** When the packet keys were last rotated (RFC 3339). */
  public String keysRotatedAt;

  /** Departure entropy per mix layer, the weakest layer, and the cover rate in force. */
  public AnonymityStatus anonymity;
}
