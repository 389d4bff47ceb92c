package dev.betanet.router.wire;

/** Bytes from the mixnet that do not parse as one of our messages: counted, never fatal. */
public final class MessageException extends Exception {

  public MessageException(String message) {
    super(message);
  }
}
