package dev.betanet.router.tcpexit;

import dev.betanet.protocol.packet.OutgoingPacket;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.PacketGeometry;
import dev.betanet.protocol.packet.Surb;
import dev.betanet.router.state.Transport;
import dev.betanet.router.wire.Envelope;
import dev.betanet.router.wire.StreamFrame;
import dev.betanet.router.wire.StreamReset;
import io.vertx.core.Context;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One stream at the exit that came through the mixnet: the SURBs its entry sent (every frame back
 * costs one).
 *
 * <p>Data leaves only while two SURBs are held, so the last one stays for an acknowledgement or a
 * reset: the exit never goes silent for want of a SURB while the entry waits on it. Each frame
 * reports the SURBs left and the highest SURB mark seen, from which the entry sizes its supply. A
 * SURB held longer than {@link #SURB_MAX_AGE_MILLIS} is dropped unused: its timestamp would soon be
 * refused by its first hop.
 */
final class MixnetExitStream extends ExitStream {

  static final long SURB_MAX_AGE_MILLIS = 90_000;

  private record Held(Surb surb, long arrivedAt) {}

  private final int maxSurbs;
  private final LongSupplier clock;
  private final Consumer<OutgoingPacket> sender;
  private final Runnable surbDropped;
  private final LongSupplier departureBound;
  private final ArrayDeque<Held> surbs = new ArrayDeque<>();
  private PacketGeometry geometry;
  private int replyFrameBytes;
  private int markSeen;

  MixnetExitStream(
      long id,
      Context context,
      int maxSurbs,
      LongSupplier clock,
      Consumer<OutgoingPacket> sender,
      Runnable surbDropped,
      LongSupplier departureBound) {
    super(id, context, Transport.MIXNET);
    this.maxSurbs = maxSurbs;
    this.clock = clock;
    this.sender = sender;
    this.surbDropped = surbDropped;
    this.departureBound = departureBound;
  }

  @Override
  public long departureBoundMillis() {
    return departureBound.getAsLong();
  }

  /** SURBs (and the mark) that arrived with a packet; beyond the bound they are dropped. */
  void addSurbs(Envelope envelope, List<Surb> more, int mark) {
    geometry = envelope.geometry();
    replyFrameBytes = envelope.streamReplyFrameBytes();
    markSeen = Math.max(markSeen, mark);
    long now = clock.getAsLong();
    for (Surb surb : more) {
      if (surbs.size() < maxSurbs) {
        surbs.add(new Held(surb, now));
      } else {
        surbDropped.run();
      }
    }
  }

  private void expire() {
    long now = clock.getAsLong();
    while (!surbs.isEmpty() && now - surbs.peek().arrivedAt() > SURB_MAX_AGE_MILLIS) {
      surbs.poll();
    }
  }

  @Override
  public int dataFrameRoom() {
    expire();
    return surbs.size() >= 2 ? replyFrameBytes : -1;
  }

  @Override
  public boolean canSendControl() {
    expire();
    return !surbs.isEmpty();
  }

  @Override
  public void emit(int type, int seq, byte[] payload, int ackNext, int window, List<int[]> sacks) {
    Held held = surbs.poll();
    if (held == null) {
      throw new IllegalStateException("BUG: a stream frame without a SURB at the exit");
    }
    StreamFrame frame =
        new StreamFrame(
            type, seq, ackNext, window, Math.min(0xFFFF, surbs.size()), markSeen, sacks, payload);
    byte[] message = Envelope.streamReply(id, frame.encode());
    sender.accept(PacketBuilder.reply(geometry, held.surb(), message));
  }

  @Override
  void refuse(StreamReset reason) {
    if (canSendControl()) {
      emit(StreamFrame.RST, 0, new byte[] {(byte) reason.code()}, 0, 0, List.of());
    }
  }

  int surbsHeld() {
    return surbs.size();
  }
}
