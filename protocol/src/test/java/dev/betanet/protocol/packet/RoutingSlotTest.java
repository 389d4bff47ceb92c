package dev.betanet.protocol.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.betanet.protocol.packet.PacketException.Kind;
import org.junit.jupiter.api.Test;

class RoutingSlotTest {

  @Test
  void roundTripsEveryCommand() throws PacketException {
    RoutingCommand[] commands = {
      new RoutingCommand.Relay(new NodeRef(1, 2), 4_000_000_000L),
      new RoutingCommand.Deliver(),
      new RoutingCommand.DeliverReply(new SurbId(-1, 42))
    };
    for (RoutingCommand command : commands) {
      byte[] slot = new byte[PacketGeometry.SLOT_BYTES];
      RoutingSlot.write(command, 1_790_000_000L, slot, 0);
      assertThat(RoutingSlot.parse(slot, 0)).isEqualTo(command);
      assertThat(RoutingSlot.timestampSeconds(slot, 0)).isEqualTo(1_790_000_000L);
    }
  }

  @Test
  void rejectsUnknownCommandType() {
    byte[] slot = new byte[PacketGeometry.SLOT_BYTES];
    slot[0] = 9;
    assertThatThrownBy(() -> RoutingSlot.parse(slot, 0))
        .isInstanceOfSatisfying(
            PacketException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED_COMMAND))
        .hasMessageContaining("unknown command type 9");
  }

  @Test
  void rejectsFinalHopCommandsWithDataInUnusedFields() {
    byte[] deliver = new byte[PacketGeometry.SLOT_BYTES];
    RoutingSlot.write(new RoutingCommand.Deliver(), 1, deliver, 0);
    deliver[PacketGeometry.SLOT_BYTES - 1] = 1;
    assertThatThrownBy(() -> RoutingSlot.parse(deliver, 0))
        .isInstanceOfSatisfying(
            PacketException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED_COMMAND));

    byte[] reply = new byte[PacketGeometry.SLOT_BYTES];
    RoutingSlot.write(new RoutingCommand.DeliverReply(new SurbId(1, 1)), 1, reply, 0);
    reply[PacketGeometry.SLOT_DELAY] = 1;
    assertThatThrownBy(() -> RoutingSlot.parse(reply, 0))
        .isInstanceOfSatisfying(
            PacketException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED_COMMAND));
  }
}
