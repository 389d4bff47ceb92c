package dev.betanet.router.entry;

import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.packet.SendQueue;
import dev.betanet.router.state.RouterSettings;
import dev.betanet.router.wire.Envelope;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Watches a request's progress and calls for a new round when a round goes a whole window without
 * any: no acknowledgement, no response fragment. The window is the expected round trip through the
 * mixnet ({@link #roundTripMillis}), plus the backend's timeout while the whole request sits at the
 * exit unanswered, or plus the exit's acknowledgement hold for a one-packet request. Before calling
 * for a new round it tells {@link SuspectNodes} which paths the silent round took.
 *
 * <p>The window counts from the later of the last progress and the moment the request's last packet
 * <i>left</i> this router, and no round is judged while any of its packets still waits in the send
 * queue. A packet that has not left cannot have been lost, and the queue's pace is not known in
 * advance: its slots come late on a busy machine (docs/benchmarks.md, send queue). A window sized
 * from an estimate of the queue's drain at the nominal rate judged rounds before their
 * acknowledgements could be back (seen: 772 ms after the last packet left, against a 790 ms round
 * trip), so answers on their way were taken for losses, the round was sent again and its paths were
 * reported to {@link SuspectNodes}; each such round spent one of the request's attempts
 * (docs/router.md, "Send queue and cover traffic").
 */
final class RetransmissionTimer {

  private static final System.Logger LOG = System.getLogger(RetransmissionTimer.class.getName());

  private final Vertx vertx;
  private final Supplier<Topology> topology;
  private final RouterSettings settings;
  private final SuspectNodes suspects;

  RetransmissionTimer(
      Vertx vertx, Supplier<Topology> topology, RouterSettings settings, SuspectNodes suspects) {
    this.vertx = vertx;
    this.topology = topology;
    this.settings = settings;
    this.suspects = suspects;
  }

  /** Expected round trip through the mixnet and back, with room for the exponential tail. */
  static long roundTripMillis(Topology topology, long marginMillis) {
    long meanPath = 2L * topology.layers().size() * topology.mixing().meanDelayMillis();
    // A sum of exponential delays rarely exceeds three times its mean (under 1% for 6 hops).
    return 3 * meanPath + marginMillis;
  }

  /** Checks {@code p} when its window runs out; runs {@code newRound} if it made no progress. */
  void arm(PendingRequest p, Runnable newRound) {
    long waitMillis;
    synchronized (p) {
      if (p.done) {
        return;
      }
      waitMillis =
          p.packetsQueued > 0
              ? queuedRecheckMillis()
              : Math.max(1, since(p) + window(p) - System.currentTimeMillis());
    }
    long timer = vertx.setTimer(waitMillis, t -> check(p, newRound));
    synchronized (p) {
      p.timer = timer;
    }
  }

  /** Stops watching a finished request. */
  void cancel(PendingRequest p) {
    long timer;
    synchronized (p) {
      timer = p.timer;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** When the current window began: the last progress, or the last departure if later. */
  private static long since(PendingRequest p) {
    return Math.max(p.lastProgressAt, p.lastDepartureAt);
  }

  /**
   * How soon to look again at a request whose packets still wait in the send queue: about one
   * slot's mean interval, at least 10 ms, at most 200 ms (the rate may be 0, unpaced).
   */
  private long queuedRecheckMillis() {
    long rate = SendQueue.slotRate(topology.get().mixing());
    return rate <= 0 ? 10 : Math.clamp(1000 / rate, 10, 200);
  }

  /** How long a round may go without progress; the caller holds the lock on {@code p}. */
  private long window(PendingRequest p) {
    long rtt = roundTripMillis(topology.get(), settings.retransmitMargin().toMillis());
    // With the whole request at the exit and no response yet, the backend is working.
    boolean backendBusy = p.ackedCount == p.fragments.size() && p.responseCount == 0;
    // The exit may hold a one-packet request's acknowledgement back for the response.
    boolean ackHeld = p.fragments.size() == 1 && p.ackedCount == 0;
    return backendBusy
        ? rtt + settings.backendTimeout().toMillis()
        : ackHeld ? rtt + Envelope.ACK_WAIT_MILLIS : rtt;
  }

  private void check(PendingRequest p, Runnable newRound) {
    Set<List<String>> paths;
    long startedAt;
    synchronized (p) {
      if (p.done) {
        return;
      }
      if (p.packetsQueued > 0 || System.currentTimeMillis() - since(p) < window(p)) {
        paths = null;
        startedAt = 0;
      } else {
        paths = Set.copyOf(p.roundPaths);
        startedAt = p.roundStartedAt;
      }
    }
    if (paths == null) {
      arm(p, newRound);
      return;
    }
    suspects.lost(paths, startedAt);
    LOG.log(
        System.Logger.Level.DEBUG,
        "request {0} to {1}: no progress, sending again",
        Long.toHexString(p.id),
        p.host);
    newRound.run();
  }
}
