package dev.betanet.router.connect;

import dev.betanet.router.stream.Carrier;
import dev.betanet.router.stream.StreamEndpoint;
import dev.betanet.router.wire.Envelope;
import dev.betanet.router.wire.StreamFrame;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One stream at the entry: its {@link StreamEndpoint}, whose frames leave as forward packets, each
 * on its own path, carrying as many SURBs as the {@link SurbSupply} says the exit lacks (as many as
 * fit beside the frame: a data frame takes one at most, a frame without data up to two). Lives on
 * the client socket's context.
 */
final class EntryStream implements Carrier {

  /** Most top-up packets (SURBs beside an acknowledgement) sent in one go. */
  private static final int MAX_TOP_UPS = 32;

  final long id;
  final String host;
  final Context context;
  final Promise<EntryStream> opened = Promise.promise();
  private final Envelope envelope;
  private final int surbBytes;
  private final MixnetStreams.Packets packets;
  private final SurbSupply supply;
  private final LongSupplier clock;
  private final LongSupplier departureBound;
  StreamEndpoint endpoint;
  long timer = -1;
  long lastHeard;

  EntryStream(
      long id,
      String host,
      Context context,
      Envelope envelope,
      int surbBytes,
      MixnetStreams.Packets packets,
      SurbSupply supply,
      LongSupplier clock,
      LongSupplier departureBound) {
    this.id = id;
    this.host = host;
    this.context = context;
    this.envelope = envelope;
    this.surbBytes = surbBytes;
    this.packets = packets;
    this.supply = supply;
    this.clock = clock;
    this.departureBound = departureBound;
    this.lastHeard = clock.getAsLong();
  }

  private int deficit() {
    return supply.deficit(clock.getAsLong(), endpoint.rtoMillis(), endpoint.srttMillis());
  }

  @Override
  public int dataFrameRoom() {
    return envelope.streamFrameBytes(deficit() > 0 ? 1 : 0);
  }

  @Override
  public boolean canSendControl() {
    return true;
  }

  @Override
  public long departureBoundMillis() {
    return departureBound.getAsLong();
  }

  @Override
  public void emit(int type, int seq, byte[] payload, int ackNext, int window, List<int[]> sacks) {
    int frameBytes = StreamFrame.headerBytes(sacks.size()) + payload.length;
    int fit = (envelope.streamFrameBytes(0) - frameBytes) / surbBytes;
    int count = Math.max(0, Math.min(Math.min(fit, envelope.surbsPerPacket()), deficit()));
    int mark = supply.sending(count, clock.getAsLong());
    StreamFrame frame = new StreamFrame(type, seq, ackNext, window, 0, mark, sacks, payload);
    packets.send(this, count, frame.encode(), frame.reliable() ? seq : -1);
  }

  /** A frame from the exit (on this stream's context). */
  void onFrame(StreamFrame frame) {
    lastHeard = clock.getAsLong();
    supply.reported(frame.surbStock(), frame.surbMark(), lastHeard);
    endpoint.onFrame(frame);
    topUp();
  }

  @Override
  public void tick() {
    topUp();
  }

  /** Sends SURBs beside acknowledgements while the exit's supply is short. */
  private void topUp() {
    if (!opened.future().succeeded()) {
      return; // until the exit accepted, only the OPEN (with its SURBs) may reach it
    }
    for (int i = 0; i < MAX_TOP_UPS && !endpoint.finished() && deficit() >= 1; i++) {
      endpoint.acknowledgeNow();
    }
  }
}
