package dev.betanet.router.entry;

import dev.betanet.protocol.fragment.Reassembler;
import dev.betanet.protocol.packet.SurbId;
import dev.betanet.router.state.RouterFailure;
import dev.betanet.router.wire.HttpMessages;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One request the entry is waiting on: its fragments and which the exit acknowledged, the response
 * being reassembled, the SURBs handed out for it, and the progress of its current round. Mutable
 * fields are guarded by {@code this}; the request completes exactly once ({@link #succeed} or
 * {@link #fail}), and then hands itself to {@code onFinish} so its owner can forget it.
 */
final class PendingRequest {

  final long id;
  final String host;
  final List<byte[]> fragments;
  final boolean[] acked;
  final Reassembler response;

  /** Most response fragments a response within the size limit can take, hence SURBs it needs. */
  final int maxSurbsPerRequest;

  final List<SurbId> surbIds = new ArrayList<>();

  /** The SURBs sent for the response (not those carried by request fragments for their acks). */
  final List<SurbId> responseSurbIds = new ArrayList<>();

  /** The paths of the current round's packets and SURBs, each led by the router sending into it. */
  final Set<List<String>> roundPaths = new HashSet<>();

  int ackedCount;
  int responseCount;

  /** Distinct response fragments received. */
  final BitSet responseReceived = new BitSet();

  /** {@code MORE_SURBS} asks the exit made for this request, granted or not. */
  int moreSurbsAsks;

  /** SURBs granted to the exit and not yet built (they are not in the registry yet). */
  int surbsInPreparation;

  /** A packet of this request left this router: from now on the exit may have seen it. */
  boolean packetsLeft;

  /** Packets of this request handed to the send queue that have not left this router yet. */
  int packetsQueued;

  /** When the last of this request's queued packets left this router (ms), or 0. */
  long lastDepartureAt;

  /**
   * The exit process whose acknowledgements {@link #acked} records (its incarnation), or 0 before
   * the first acknowledgement.
   */
  long exitIncarnation;

  /** Exit restarts this request has been sent again for. */
  int exitRestarts;

  int rounds;
  long roundStartedAt;
  long lastProgressAt;
  boolean done;
  long timer = -1;

  private final Promise<HttpMessages.Response> promise = Promise.promise();
  private final Consumer<PendingRequest> onFinish;

  PendingRequest(
      long id,
      String host,
      List<byte[]> fragments,
      Reassembler response,
      int maxSurbs,
      Consumer<PendingRequest> onFinish) {
    this.id = id;
    this.host = host;
    this.fragments = fragments;
    this.acked = new boolean[fragments.size()];
    this.response = response;
    this.maxSurbsPerRequest = maxSurbs;
    this.onFinish = onFinish;
  }

  Future<HttpMessages.Response> future() {
    return promise.future();
  }

  void succeed(HttpMessages.Response value) {
    if (finish()) {
      promise.complete(value);
    }
  }

  void fail(RouterFailure failure) {
    if (finish()) {
      promise.fail(failure);
    }
  }

  /** Every fragment is at the exit: there is nothing left to retransmit. */
  synchronized boolean allAcknowledged() {
    return ackedCount == fragments.size();
  }

  /**
   * Marks fragment {@code index} received by the exit; true when this was the first word on a
   * one-packet request, i.e. the exit spent the SURB meant for the response on acknowledging it.
   */
  synchronized boolean acknowledge(int index) {
    if (index >= fragments.size() || acked[index]) {
      return false;
    }
    acked[index] = true;
    ackedCount++;
    lastProgressAt = System.currentTimeMillis();
    return fragments.size() == 1 && responseCount == 0;
  }

  /** What an acknowledgement's exit incarnation means for this request. */
  enum ExitProcess {
    /** The process that holds what was acknowledged (or the first one heard). */
    SAME,
    /** An earlier process, heard late: its acknowledgement says nothing about what is held now. */
    STALE,
    /**
     * A later process, and the earlier one never had the whole request: every acknowledgement is
     * forgotten, so the fragments go out again.
     */
    RESTARTED,
    /**
     * A later process, but the earlier one had the whole request (every fragment acknowledged, or a
     * response begun) and may have called the backend; or the exit restarted too often.
     */
    LOST_WHOLE
  }

  /**
   * Compares an acknowledgement's exit incarnation with the one {@link #acked} records. On {@link
   * ExitProcess#RESTARTED} the acknowledgements are cleared and the new incarnation recorded; the
   * caller then records the acknowledgement itself and sends what is missing.
   *
   * @param maxRestarts restarts a request is sent again for; past them it fails, so an exit that
   *     claims a new incarnation on every acknowledgement gets each fragment at most this many
   *     times more
   */
  synchronized ExitProcess exitProcess(long incarnation, int maxRestarts) {
    if (exitIncarnation == 0 || incarnation == exitIncarnation) {
      exitIncarnation = incarnation;
      return ExitProcess.SAME;
    }
    if (incarnation < exitIncarnation) {
      return ExitProcess.STALE;
    }
    if (ackedCount == fragments.size() || exitRestarts >= maxRestarts) {
      return ExitProcess.LOST_WHOLE;
    }
    exitIncarnation = incarnation;
    exitRestarts++;
    Arrays.fill(acked, false);
    ackedCount = 0;
    lastProgressAt = System.currentTimeMillis();
    return ExitProcess.RESTARTED;
  }

  /** Takes the ids of the response SURBs handed out so far (to an exit that has lost them). */
  synchronized List<SurbId> takeResponseSurbIds() {
    List<SurbId> taken = List.copyOf(responseSurbIds);
    surbIds.removeAll(taken);
    responseSurbIds.clear();
    return taken;
  }

  /** The exit answers only once the whole request is there. */
  synchronized void acknowledgeAll() {
    Arrays.fill(acked, true);
    ackedCount = fragments.size();
    lastProgressAt = System.currentTimeMillis();
  }

  /** Response fragment {@code index} arrived, out of {@code total}. */
  synchronized void responseProgress(int index, int total) {
    lastProgressAt = System.currentTimeMillis();
    responseCount = total;
    responseReceived.set(index);
  }

  /** One more packet of this request waits in the send queue. */
  synchronized void queued() {
    packetsQueued++;
  }

  /** A queued packet of this request left this router, or was refused and never will. */
  synchronized void departed(boolean left) {
    packetsQueued--;
    if (left) {
      lastDepartureAt = System.currentTimeMillis();
    }
  }

  /** SURB ids of this request, for forgetting them once it is done. */
  synchronized List<SurbId> surbIds() {
    return List.copyOf(surbIds);
  }

  /** Marks the request done; true for the first caller only. */
  private boolean finish() {
    synchronized (this) {
      if (done) {
        return false;
      }
      done = true;
    }
    onFinish.accept(this);
    return true;
  }
}
