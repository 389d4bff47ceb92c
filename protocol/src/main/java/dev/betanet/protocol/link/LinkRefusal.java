package dev.betanet.protocol.link;

import java.util.Locale;

/**
 * Why a node-to-node link was refused or closed: the {@code reason} label of {@code
 * links_refused_total}. A bounded set, so it can be a metric label.
 */
public enum LinkRefusal {
  /** The peer did not speak TLS (a plaintext injector, a port scanner). */
  NOT_TLS,
  /** TLS failed before a certificate could be judged: none offered, bad version, bad records. */
  HANDSHAKE_FAILED,
  /** The certificate's key is not a node identity of the topology in force. */
  UNKNOWN_PEER,
  /** A node of the topology, but not one that may send to this node (not the layer before). */
  WRONG_LAYER,
  /** Outbound: the node that answered is not the node the topology lists at that address. */
  WRONG_PEER,
  /** An open link whose peer a newer topology no longer allows here: closed. */
  REMOVED,
  /**
   * A handshake still in progress when more than {@link PendingHandshakes#MAX} were: the oldest is
   * closed (a flood of stalled handshakes).
   */
  TOO_MANY_HANDSHAKES;

  /** The metric label: lower case. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The refusal a failed handshake stands for: the one a {@link LinkRefusedException} anywhere in
   * the cause chain names, {@link #NOT_TLS} for Netty's "not an SSL/TLS record", else {@link
   * #HANDSHAKE_FAILED}. Walks at most 16 causes.
   */
  public static LinkRefusal of(Throwable failure) {
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < 16; depth++, cause = cause.getCause()) {
      if (cause instanceof LinkRefusedException refused) {
        return refused.refusal();
      }
      // By name: the protocol module does not depend on Netty.
      if (cause.getClass().getSimpleName().equals("NotSslRecordException")) {
        return NOT_TLS;
      }
    }
    return HANDSHAKE_FAILED;
  }
}
