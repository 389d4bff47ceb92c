package dev.betanet.router.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.betanet.router.wire.MessageException;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, item 11: the tunnel's reassembly bounds at and past their limits, as the exit's tunnel
 * server configures them ({@link TunnelServer#MAX_REASSEMBLING} messages at once, each at most the
 * message limit).
 */
class TunnelMessagesTest {

  private static final int LIMIT = 3 * TunnelMessages.CHUNK_BYTES + 10;

  private static byte[] part(long id) {
    return TunnelMessages.split(true, id, new byte[TunnelMessages.CHUNK_BYTES + 1]).getFirst();
  }

  @Test
  void holdsExactlySixtyFourMessagesInReassemblyAndRefusesTheNext() throws Exception {
    var assembly = new TunnelMessages.Assembly(true, LIMIT, TunnelServer.MAX_REASSEMBLING);
    assertThat(TunnelServer.MAX_REASSEMBLING).isEqualTo(64);
    for (long id = 0; id < 64; id++) {
      assertThat(assembly.accept(part(id))).isEmpty(); // at the bound: 64 open messages
    }
    assertThat(assembly.accept(part(5))).as("a further part of an open message").isEmpty();
    assertThatThrownBy(() -> assembly.accept(part(64)))
        .isInstanceOf(MessageException.class)
        .hasMessage("over 64 messages in reassembly on one tunnel");
  }

  @Test
  void aMessageAtTheLimitPassesAndOneByteMoreIsRefused() throws Exception {
    var assembly = new TunnelMessages.Assembly(true, LIMIT, TunnelServer.MAX_REASSEMBLING);
    byte[] whole = new byte[LIMIT];
    whole[LIMIT - 1] = 7;
    var frames = TunnelMessages.split(true, 1, whole);
    for (int i = 0; i < frames.size() - 1; i++) {
      assertThat(assembly.accept(frames.get(i))).isEmpty();
    }
    assertThat(assembly.accept(frames.getLast()).orElseThrow().bytes()).isEqualTo(whole);

    var over = TunnelMessages.split(true, 2, new byte[LIMIT + 1]);
    assertThatThrownBy(
            () -> {
              for (byte[] frame : over) {
                assembly.accept(frame);
              }
            })
        .isInstanceOf(MessageException.class)
        .hasMessageContaining("over " + LIMIT + " bytes");
  }
}
