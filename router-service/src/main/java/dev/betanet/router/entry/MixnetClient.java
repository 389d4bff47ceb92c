package dev.betanet.router.entry;

import dev.betanet.protocol.fragment.FragmentException;
import dev.betanet.protocol.fragment.Fragments;
import dev.betanet.protocol.fragment.Reassembler;
import dev.betanet.protocol.packet.PacketException;
import dev.betanet.protocol.packet.ProcessResult;
import dev.betanet.router.packet.PacketOutlet;
import dev.betanet.router.state.Outcomes;
import dev.betanet.router.state.RouterFailure;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterSettings;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.wire.Envelope;
import dev.betanet.router.wire.HttpMessages;
import dev.betanet.router.wire.MessageException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The entry role: sends a client's request through the mixnet to the exit hosting its .fog name and
 * completes with the response, or fails with a {@link RouterFailure}; never hangs.
 *
 * <p>Reliability: each request packet takes its own path and carries one SURB, which the exit
 * spends on acknowledging that fragment (for a one-packet request, on the response when the backend
 * answers within {@link Envelope#ACK_WAIT_MILLIS}: a response acknowledges the whole request, and
 * an acknowledgement alone means the exit needs one SURB more). Fragments not acknowledged within
 * the expected round trip (see {@link RetransmissionTimer}) are sent again, each over a fresh path
 * with a fresh SURB, avoiding nodes that {@link SuspectNodes} now suspects. Once every fragment is
 * acknowledged the entry waits for the response (the backend's timeout plus a round trip); when the
 * response stalls it sends a fresh batch of SURBs, which makes the exit send the response again.
 * The exit recognises the request id, so the backend is called once however often fragments arrive.
 * Rounds of retransmission are capped by {@code maxAttempts}, and the whole request by {@code
 * requestTimeout}.
 *
 * <p>Exit restarts: acknowledgements carry the exit process's incarnation. One from a later process
 * voids the earlier acknowledgements, and the request is sent again at once, unless the earlier
 * process had it whole and may have called the backend: then it fails (502 {@code exit_restarted}),
 * as when the exit answers {@code UNKNOWN_REQUEST} (docs/router.md, "Exit restarts").
 */
public final class MixnetClient {

  /** Exit restarts one request is sent again for (see {@link PendingRequest#exitProcess}). */
  static final int MAX_EXIT_RESTARTS = 2;

  private final Vertx vertx;
  private final Supplier<RouterState> state;
  private final RouterSettings settings;
  private final RouterMetrics metrics;
  private final SecureRandom random;
  private final Map<Long, PendingRequest> pending = new ConcurrentHashMap<>();
  private final SurbRegistry surbs = new SurbRegistry();
  private final SuspectNodes suspects;
  private final RequestSender sender;
  private final RetransmissionTimer retransmission;
  private final ResponseSizeHints responseSizes;
  private final PacketOutlet links;

  public MixnetClient(
      Vertx vertx,
      Supplier<RouterState> state,
      PacketOutlet links,
      PathSelector paths,
      SuspectNodes suspects,
      RouterSettings settings,
      RouterMetrics metrics,
      SecureRandom random) {
    this.vertx = vertx;
    this.state = state;
    this.suspects = suspects;
    this.settings = settings;
    this.metrics = metrics;
    this.random = random;
    this.links = links;
    this.sender = new RequestSender(links, paths, surbs, metrics, random);
    this.retransmission =
        new RetransmissionTimer(vertx, () -> state.get().topology(), settings, suspects);
    this.responseSizes = new ResponseSizeHints(settings.initialSurbs());
  }

  /** Requests waiting for their response. */
  public int inFlight() {
    return pending.size();
  }

  /**
   * Sends {@code request} to the exit hosting its host name.
   *
   * @return the exit's response, or a failed future holding a {@link RouterFailure}
   */
  public Future<HttpMessages.Response> send(HttpMessages.Request request) {
    RouterState current = state.get();
    try {
      RouterState.exitFor(current, request.host()); // an unknown name fails now, not a round later
    } catch (RouterFailure failure) {
      return Future.failedFuture(failure);
    }
    if (pending.size() >= settings.maxInFlight()) {
      return Future.failedFuture(
          new RouterFailure(503, "overload", "too many requests in flight at this router"));
    }
    long id = random.nextLong();
    byte[] message = HttpMessages.encode(request);
    var fragments = new Fragments(current.envelope().requestFragmentBytes());
    var responseFragments = new Fragments(current.envelope().responseFragmentBytes());
    PendingRequest p =
        new PendingRequest(
            id,
            request.host(),
            fragments.split(id, message),
            new Reassembler(responseFragments, settings.maxMessageBytes(), 1),
            settings.maxMessageBytes() / responseFragments.dataBytesPerFragment() + 2,
            this::forget);
    pending.put(id, p);
    long deadline =
        vertx.setTimer(
            settings.requestTimeout().toMillis(),
            t ->
                p.fail(
                    new RouterFailure(
                        504,
                        "timeout",
                        "no response from "
                            + request.host()
                            + " within "
                            + settings.requestTimeout().toSeconds()
                            + " s")));
    p.future().onComplete(ar -> vertx.cancelTimer(deadline));
    attempt(p);
    return p.future();
  }

  /** Forgets a finished request and its unused SURBs. */
  private void forget(PendingRequest p) {
    pending.remove(p.id);
    surbs.forget(p.surbIds());
    retransmission.cancel(p);
  }

  /** Sends one round: every fragment not yet acknowledged, and SURBs for the response. */
  private void attempt(PendingRequest p) {
    int surbsToSend;
    synchronized (p) {
      if (p.done) {
        return;
      }
      p.rounds++;
      if (p.rounds > settings.maxAttempts()) {
        p.fail(
            new RouterFailure(
                504,
                "timeout",
                "no answer from " + p.host + " after " + settings.maxAttempts() + " attempts"));
        return;
      }
      if (p.rounds > 1) {
        metrics.retransmission();
      }
      p.roundStartedAt = System.currentTimeMillis();
      p.lastProgressAt = p.roundStartedAt;
      p.roundPaths.clear();
      // First round: as many SURBs as this name's responses need, so the response needs no extra
      // round trip. Later rounds that find every fragment acknowledged: enough for the whole
      // response, which the exit resends.
      boolean nudge = p.rounds > 1 && p.ackedCount == p.fragments.size();
      // Rounded up to a bucket of the topology, the same for every entry: the count tells the
      // exit no more than the bucket, not the size of this name's last answer.
      int expected = expectedSurbs(p);
      // A one-packet request's own SURB carries the first response fragment.
      int carried = p.fragments.size() == 1 ? 1 : 0;
      surbsToSend =
          p.rounds == 1
              ? expected - carried
              : nudge ? Math.min(p.maxSurbsPerRequest, Math.max(expected, p.responseCount + 1)) : 0;
      // A first round the send queue cannot take whole fails now, before anything leaves: the
      // client hears 503 at once rather than a timeout (later rounds send what fits; the rest
      // stays unacknowledged for the round after).
      int packets =
          p.fragments.size()
              - p.ackedCount
              + Math.ceilDiv(surbsToSend, state.get().envelope().surbsPerPacket());
      if (p.rounds == 1 && links.room() < packets) {
        metrics.sendQueueRefused(RouterMetrics.SEND_QUEUE_FULL, packets);
        p.fail(RequestSender.SEND_QUEUE_FULL);
        return;
      }
    }
    vertx
        .executeBlocking(
            () -> {
              sender.sendRound(state.get(), p, surbsToSend);
              return null;
            },
            false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                p.fail(
                    afterPacketsLeft(
                        p,
                        ar.cause() instanceof RouterFailure f
                            ? f
                            : new RouterFailure(502, "error", "cannot send into the mixnet")));
                return;
              }
              // The round's packets wait in the send queue before they leave: the timer judges
              // the round only once they have left (RetransmissionTimer).
              retransmission.arm(p, () -> attempt(p));
            });
  }

  /** SURBs {@code p}'s response is expected to take: this name's recent answers, as a bucket. */
  private int expectedSurbs(PendingRequest p) {
    return Math.min(
        p.maxSurbsPerRequest,
        state.get().topology().mixing().surbBucketFor(responseSizes.surbsFor(p.host)));
  }

  /**
   * The exit restarted and lost what it had acknowledged of {@code p} (its reassembly state lives
   * in memory): sends every fragment the new process has not acknowledged, and SURBs for the
   * response as a first round does (those sent before went to the lost process), at once rather
   * than at the next round. Not a round: it spends none of the request's attempts; {@link
   * #MAX_EXIT_RESTARTS} bounds it.
   */
  private void resendAfterRestart(RouterState current, PendingRequest p) {
    surbs.forget(p.takeResponseSurbIds());
    int carried = p.fragments.size() == 1 ? 1 : 0;
    int surbCount = Math.max(0, expectedSurbs(p) - carried);
    vertx
        .executeBlocking(
            () -> {
              sender.sendRound(current, p, surbCount);
              return null;
            },
            false)
        .onFailure(
            e ->
                p.fail(
                    afterPacketsLeft(
                        p,
                        e instanceof RouterFailure f
                            ? f
                            : new RouterFailure(502, "error", "cannot send into the mixnet"))));
  }

  /**
   * {@code unavailable} means nothing left this router, which is what lets the fallback policy move
   * a request to the tunnel. A request with packets out that finds no path for its next ones has
   * failed like a timeout: the exit may have seen it, so it must not be resent elsewhere.
   */
  private static RouterFailure afterPacketsLeft(PendingRequest p, RouterFailure failure) {
    boolean left;
    synchronized (p) {
      left = p.packetsLeft;
    }
    if (!left || !Outcomes.UNAVAILABLE.equals(failure.outcome())) {
      return failure;
    }
    return new RouterFailure(
        504,
        Outcomes.TIMEOUT,
        "no answer from " + p.host + ", and " + failure.getMessage() + " for another attempt");
  }

  /** Sends {@code count} SURBs for {@code p}'s response (on a worker: they cost X25519). */
  private void sendSurbsLater(RouterState current, PendingRequest p, int count) {
    vertx.executeBlocking(
        () -> {
          sender.sendSurbs(current, p, count);
          return null;
        },
        false);
  }

  /** A reply packet for this router (on a crypto thread). */
  public void onReply(RouterState current, ProcessResult.ReplyDelivery delivery) {
    Optional<SurbRegistry.SurbUse> taken = surbs.take(delivery.surbId());
    if (taken.isEmpty()) {
      metrics.refused(RouterMetrics.UNKNOWN_SURB);
      return;
    }
    SurbRegistry.SurbUse use = taken.get();
    Envelope.Reply reply;
    try {
      reply = Envelope.parseReply(use.secrets().openReply(delivery.payload()));
    } catch (PacketException | MessageException e) {
      metrics.refused("bad_reply");
      return;
    }
    suspects.confirm(use.nodes());
    PendingRequest p = pending.get(use.requestId());
    if (reply.requestId() != use.requestId()) {
      metrics.refused("bad_reply"); // not the request this SURB was made for
      return;
    }
    if (p == null) {
      metrics.refused(RouterMetrics.REQUEST_FINISHED);
      return;
    }
    switch (reply.kind()) {
      case Envelope.ACK -> {
        switch (p.exitProcess(Envelope.incarnation(reply), MAX_EXIT_RESTARTS)) {
          case STALE -> metrics.refused("stale_ack");
          case LOST_WHOLE -> exitLostWholeRequest(p);
          case RESTARTED -> {
            metrics.exitRestart(RouterMetrics.EXIT_RESTART_RESENT);
            p.acknowledge(Envelope.number(reply));
            resendAfterRestart(current, p);
          }
          case SAME -> {
            boolean responseSurbSpent = p.acknowledge(Envelope.number(reply));
            if (responseSurbSpent) {
              sendSurbsLater(current, p, 1);
            }
          }
        }
      }
      case Envelope.UNKNOWN_REQUEST -> exitLostWholeRequest(p);
      case Envelope.MORE_SURBS -> {
        p.acknowledgeAll();
        moreSurbs(current, p, Envelope.number(reply));
      }
      case Envelope.RESPONSE -> {
        p.acknowledgeAll();
        acceptFragment(p, reply.body());
      }
      default -> metrics.refused("bad_reply");
    }
  }

  /**
   * The exit lost a request it had whole (it restarted after acknowledging every fragment, or
   * answers with a new incarnation once too often). Its predecessor may have called the backend, so
   * the request is not sent again: the backend is called at most once per request.
   */
  private void exitLostWholeRequest(PendingRequest p) {
    metrics.exitRestart(RouterMetrics.EXIT_RESTART_FAILED);
    p.fail(
        new RouterFailure(
            502,
            Outcomes.ERROR,
            "exit_restarted",
            "the exit of "
                + p.host
                + " restarted after the whole request reached it; it may have reached the"
                + " backend, so it is not sent again"));
  }

  /** The exit asks for {@code asked} more SURBs: send what {@link MoreSurbsGrant} allows. */
  private void moreSurbs(RouterState current, PendingRequest p, int asked) {
    MoreSurbsGrant.Decision decision;
    synchronized (p) {
      p.moreSurbsAsks++;
      decision =
          MoreSurbsGrant.decide(
              asked,
              p.moreSurbsAsks,
              p.responseCount > 0 ? p.responseCount : p.maxSurbsPerRequest,
              p.responseReceived.cardinality(),
              surbs.outstanding(p.responseSurbIds) + p.surbsInPreparation,
              p.maxSurbsPerRequest);
      p.surbsInPreparation += decision.granted();
    }
    if (decision.refused() > 0) {
      metrics.surbsRefused(decision.reason(), decision.refused());
    }
    int granted = decision.granted();
    if (granted == 0) {
      return;
    }
    vertx.executeBlocking(
        () -> {
          try {
            sender.sendSurbs(current, p, granted);
          } finally {
            synchronized (p) {
              p.surbsInPreparation -= granted;
            }
          }
          return null;
        },
        false);
  }

  private void acceptFragment(PendingRequest p, byte[] fragment) {
    Optional<byte[]> whole;
    try {
      whole = p.response.accept(fragment);
    } catch (FragmentException e) {
      p.fail(new RouterFailure(502, "error", "bad response from the exit: " + e.getMessage()));
      return;
    }
    p.responseProgress(Envelope.fragmentIndex(fragment), Envelope.fragmentCount(fragment));
    if (whole.isEmpty()) {
      return;
    }
    responseSizes.answered(p.host, Envelope.fragmentCount(fragment));
    try {
      p.succeed(HttpMessages.decodeResponse(whole.get()));
    } catch (MessageException e) {
      p.fail(new RouterFailure(502, "error", "bad response from the exit: " + e.getMessage()));
    }
  }
}
