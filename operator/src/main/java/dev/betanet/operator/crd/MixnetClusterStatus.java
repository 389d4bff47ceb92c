package dev.betanet.operator.crd;

/** What the operator observed and did. */
public class MixnetClusterStatus {

  private Long observedGeneration;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }
}
