package dev.betanet.mixnode.sphinx;

import dev.betanet.mixnode.core.HopProcessor;
import dev.betanet.mixnode.core.HopResult;
import dev.betanet.mixnode.core.PacketResult;
import dev.betanet.protocol.packet.PacketException;
import dev.betanet.protocol.packet.PacketProcessor;
import dev.betanet.protocol.packet.ProcessResult;
import org.jboss.logging.Logger;

/** The protocol's {@link PacketProcessor} as the mixnode's {@link HopProcessor}. */
final class SphinxHopProcessor implements HopProcessor {

  private static final Logger LOG = Logger.getLogger(SphinxHopProcessor.class);

  private final PacketProcessor processor;

  SphinxHopProcessor(PacketProcessor processor) {
    this.processor = processor;
  }

  @Override
  public HopResult process(byte[] packet) {
    try {
      return switch (processor.process(packet)) {
        case ProcessResult.Forward forward ->
            new HopResult.Forward(forward.next(), forward.delayMillis(), forward.packet());
        // A mixnode is the exit only of its own loop cover packets coming home; whatever they
        // carry is consumed here. Replies never end at a mixnode (it makes no SURBs).
        case ProcessResult.Deliver deliver -> new HopResult.Done(PacketResult.DELIVERED);
        case ProcessResult.ReplyDelivery reply -> new HopResult.Done(PacketResult.DELIVERED);
      };
    } catch (PacketException e) {
      return new HopResult.Done(resultOf(e.kind()));
    } catch (IllegalStateException e) {
      // A key destroyed under a packet still in flight after a rotation: the packet is for a
      // retired key. Anything else is a bug, logged without packet contents.
      LOG.debugf("packet refused: %s", e.getMessage());
      return new HopResult.Done(PacketResult.UNKNOWN_KEY);
    }
  }

  static PacketResult resultOf(PacketException.Kind kind) {
    return switch (kind) {
      case REPLAY -> PacketResult.REPLAYED;
      case EXPIRED -> PacketResult.EXPIRED;
      case BEFORE_START -> PacketResult.BEFORE_START;
      case UNKNOWN_KEY -> PacketResult.UNKNOWN_KEY;
      case INVALID_LENGTH,
          UNKNOWN_VERSION,
          INVALID_KEY,
          INVALID_MAC,
          MALFORMED_COMMAND,
          INVALID_PAYLOAD,
          INVALID_SURB,
          UNKNOWN_SURB ->
          PacketResult.INVALID;
    };
  }
}
