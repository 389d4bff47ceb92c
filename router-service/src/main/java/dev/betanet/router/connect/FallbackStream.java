package dev.betanet.router.connect;

import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.stream.Carrier;
import dev.betanet.router.stream.StreamEndpoint;
import dev.betanet.router.tunnel.TunnelStreams;
import dev.betanet.router.wire.MessageException;
import dev.betanet.router.wire.StreamFrame;
import dev.betanet.router.wire.StreamReset;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import java.util.List;

/**
 * One stream at the entry carried by the fallback tunnel: its {@link StreamEndpoint}, whose frames
 * go to the exit on the tunnel it is attached to, one tunnel frame each, as large as a mixnet data
 * frame (so windows and buffers mean the same bytes on both transports). Nothing leaves before the
 * tunnel is up nor after it ends; the tunnel's end resets the stream (a stream never changes
 * transport). Lives on the client socket's context.
 */
final class FallbackStream implements Carrier, TunnelStreams.Receiver {

  final long id;
  final Context context;
  final Promise<FallbackStream> opened = Promise.promise();
  private final int frameBytes;
  private final RouterMetrics routerMetrics;
  StreamEndpoint endpoint;
  long timer = -1;

  /** The tunnel, once attached (set on this stream's context). */
  private TunnelStreams.Attached port;

  FallbackStream(long id, Context context, int frameBytes, RouterMetrics routerMetrics) {
    this.id = id;
    this.context = context;
    this.frameBytes = frameBytes;
    this.routerMetrics = routerMetrics;
  }

  void attached(TunnelStreams.Attached to) {
    this.port = to;
  }

  /** Frames for this stream's id are dropped from now on (it ended). */
  void detach() {
    if (port != null) {
      port.detach();
    }
  }

  private boolean up() {
    return port != null && port.isOpen();
  }

  @Override
  public int dataFrameRoom() {
    return up() ? frameBytes : -1;
  }

  @Override
  public boolean canSendControl() {
    return up();
  }

  @Override
  public void emit(int type, int seq, byte[] payload, int ackNext, int window, List<int[]> sacks) {
    port.send(id, new StreamFrame(type, seq, ackNext, window, 0, 0, sacks, payload).encode());
  }

  /** A frame from the exit (on the tunnel's context): moved to this stream's. */
  @Override
  public void onFrame(long streamId, byte[] bytes) {
    StreamFrame frame;
    try {
      frame = StreamFrame.decode(bytes);
    } catch (MessageException e) {
      routerMetrics.refused("bad_stream_reply");
      return;
    }
    context.runOnContext(v -> endpoint.onFrame(frame));
  }

  @Override
  public void onClosed() {
    context.runOnContext(v -> endpoint.reset(StreamReset.ABORTED));
  }
}
