package dev.betanet.router.tcpexit;

import dev.betanet.router.state.Transport;
import dev.betanet.router.tunnel.TunnelStreams;
import dev.betanet.router.wire.StreamFrame;
import dev.betanet.router.wire.StreamReset;
import io.vertx.core.Context;
import java.util.List;

/**
 * One stream at the exit that came over the fallback tunnel: its frames go back on the tunnel
 * connection it opened on, one tunnel frame each, as large as a mixnet reply frame (so the receive
 * buffer bound in bytes is the same on both transports). No SURBs: the exit may answer while the
 * tunnel is up.
 */
final class TunnelExitStream extends ExitStream {

  private final TunnelStreams.Port port;
  private final int frameBytes;

  TunnelExitStream(long id, Context context, TunnelStreams.Port port, int frameBytes) {
    super(id, context, Transport.FALLBACK);
    this.port = port;
    this.frameBytes = frameBytes;
  }

  @Override
  public int dataFrameRoom() {
    return port.isOpen() ? frameBytes : -1;
  }

  @Override
  public boolean canSendControl() {
    return port.isOpen();
  }

  @Override
  public void emit(int type, int seq, byte[] payload, int ackNext, int window, List<int[]> sacks) {
    port.send(id, new StreamFrame(type, seq, ackNext, window, 0, 0, sacks, payload).encode());
  }

  @Override
  void refuse(StreamReset reason) {
    if (canSendControl()) {
      emit(StreamFrame.RST, 0, new byte[] {(byte) reason.code()}, 0, 0, List.of());
    }
  }
}
