package dev.betanet.router.split;

import dev.betanet.router.state.Transport;

/**
 * One client connection to the proxy port. Its transport is drawn once, when it opens, and kept for
 * its whole life, so a weight change never moves a flow in progress; the only move is the one the
 * fallback policy allows, mixnet to fallback, after the mixnet failed it (counted as a downgrade).
 */
public final class Flow {

  private volatile Transport transport;

  public Flow(Transport transport) {
    this.transport = transport;
  }

  public Transport transport() {
    return transport;
  }

  /**
   * The mixnet could not deliver and the policy allows the tunnel: the rest of the flow takes it.
   */
  void downgrade() {
    transport = Transport.FALLBACK;
  }
}
