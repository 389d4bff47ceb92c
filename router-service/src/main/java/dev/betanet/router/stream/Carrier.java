package dev.betanet.router.stream;

import java.util.List;

/**
 * How an endpoint's frames leave: through forward packets at the entry (which carry SURBs for the
 * exit's replies), through SURBs at the exit (one per frame, so the exit sends only while it holds
 * one). Calls come from the endpoint's context.
 */
public interface Carrier {

  /**
   * Bytes a frame carrying data may take in the next packet, or -1 when none can leave now (the
   * exit holds too few SURBs; it then waits for {@link StreamEndpoint#pump()}).
   */
  int dataFrameRoom();

  /** Whether a frame without data (acknowledgement, probe, reset) can leave now. */
  boolean canSendControl();

  /** Sends one frame: the carrier adds its SURB fields and hands the packet to the outlet. */
  void emit(int type, int seq, byte[] payload, int ackNext, int window, List<int[]> sacks);

  /** The endpoint's periodic tick (the entry tops up the exit's SURBs here). */
  default void tick() {}

  /**
   * A bound on how long a frame emitted now waits in this router's send queue before it leaves (0
   * when it leaves at once): a segment's retransmission timer starts after it, so a segment that is
   * only queued behind others is not taken for lost.
   */
  default long departureBoundMillis() {
    return 0;
  }
}
