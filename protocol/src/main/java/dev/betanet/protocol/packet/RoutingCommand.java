package dev.betanet.protocol.packet;

/**
 * What a hop is told to do with a packet, carried in its routing slot. Exactly one command per
 * slot; its type byte comes first and unknown types are refused.
 */
public sealed interface RoutingCommand {

  /** Type byte of {@link Relay}. */
  int RELAY = 1;

  /** Type byte of {@link Deliver}. */
  int DELIVER = 2;

  /** Type byte of {@link DeliverReply}. */
  int DELIVER_REPLY = 3;

  /** The type byte on the wire. */
  int type();

  /**
   * Hold the packet {@code delayMillis} then send it to {@code next}.
   *
   * @param delayMillis 0..2^32-1 milliseconds, chosen by the sender (Poisson mixing)
   */
  record Relay(NodeRef next, long delayMillis) implements RoutingCommand {
    public Relay {
      if (delayMillis < 0 || delayMillis > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("delay is 0..2^32-1 ms, got " + delayMillis);
      }
    }

    @Override
    public int type() {
      return RELAY;
    }
  }

  /** This hop is the exit: the payload holds the message. */
  record Deliver() implements RoutingCommand {
    @Override
    public int type() {
      return DELIVER;
    }
  }

  /** This hop is a SURB's creator: the payload is a reply to open with the SURB's keys. */
  record DeliverReply(SurbId surbId) implements RoutingCommand {
    @Override
    public int type() {
      return DELIVER_REPLY;
    }
  }
}
