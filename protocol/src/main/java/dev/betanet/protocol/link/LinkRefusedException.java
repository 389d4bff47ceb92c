package dev.betanet.protocol.link;

import java.security.cert.CertificateException;

/**
 * A peer certificate the link policy refuses: thrown from the trust manager, so the TLS handshake
 * fails (the peer gets a {@code certificate_unknown} alert) and the refusal reaches the listener's
 * exception handler in the cause chain ({@link LinkRefusal#of}).
 */
public final class LinkRefusedException extends CertificateException {

  private final LinkRefusal refusal;

  public LinkRefusedException(LinkRefusal refusal, String message) {
    super(message);
    this.refusal = refusal;
  }

  public LinkRefusal refusal() {
    return refusal;
  }
}
