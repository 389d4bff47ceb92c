package dev.betanet.router.core;

import dev.betanet.protocol.fragment.FragmentException;
import dev.betanet.protocol.fragment.Fragments;
import dev.betanet.protocol.fragment.Reassembler;
import dev.betanet.protocol.packet.OutgoingPacket;
import dev.betanet.protocol.packet.PacketException;
import dev.betanet.protocol.packet.PathHop;
import dev.betanet.protocol.packet.ProcessResult;
import dev.betanet.protocol.packet.Surb;
import dev.betanet.protocol.packet.SurbId;
import dev.betanet.protocol.packet.SurbPair;
import dev.betanet.protocol.packet.SurbSecrets;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.Topology.MixnodeEntry;
import dev.betanet.protocol.topology.Topology.RouterNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * the expected round trip (see {@link #roundTripMillis}) are sent again, each over a fresh path
 * with a fresh SURB, avoiding nodes that {@link SuspectNodes} now suspects. Once every fragment is
 * acknowledged the entry waits for the response (the backend's timeout plus a round trip); when the
 * response stalls it sends a fresh batch of SURBs, which makes the exit send the response again.
 * The exit recognises the request id, so the backend is called once however often fragments arrive.
 * Rounds of retransmission are capped by {@code maxAttempts}, and the whole request by {@code
 * requestTimeout}.
 */
public final class MixnetClient {

  private static final System.Logger LOG = System.getLogger(MixnetClient.class.getName());

  /**
   * What the entry keeps per SURB it handed out: the request, and the nodes of the SURB's path and
   * of the forward packet that carried it (both worked when a reply comes through the SURB).
   */
  private record SurbUse(long requestId, SurbSecrets secrets, List<String> nodes) {}

  private final Vertx vertx;
  private final Supplier<RouterState> state;
  private final PacketLinks links;
  private final PathSelector paths;
  private final SuspectNodes suspects;
  private final RouterSettings settings;
  private final RouterMetrics metrics;
  private final SecureRandom random;
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final Map<SurbId, SurbUse> surbs = new ConcurrentHashMap<>();
  private final ResponseSizeHints responseSizes;

  public MixnetClient(
      Vertx vertx,
      Supplier<RouterState> state,
      PacketLinks links,
      PathSelector paths,
      SuspectNodes suspects,
      RouterSettings settings,
      RouterMetrics metrics,
      SecureRandom random) {
    this.vertx = vertx;
    this.state = state;
    this.links = links;
    this.paths = paths;
    this.suspects = suspects;
    this.settings = settings;
    this.metrics = metrics;
    this.random = random;
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
    Pending p =
        new Pending(
            id,
            request.host(),
            fragments.split(id, message),
            new Reassembler(responseFragments, settings.maxMessageBytes(), 1),
            settings.maxMessageBytes() / responseFragments.dataBytesPerFragment() + 2);
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
    p.promise.future().onComplete(ar -> vertx.cancelTimer(deadline));
    attempt(p);
    return p.promise.future();
  }

  /** Expected round trip through the mixnet and back, with room for the exponential tail. */
  static long roundTripMillis(Topology topology, long marginMillis) {
    long meanPath = 2L * topology.layers().size() * topology.mixing().meanDelayMillis();
    // A sum of exponential delays rarely exceeds three times its mean (under 1% for 6 hops).
    return 3 * meanPath + marginMillis;
  }

  /** Sends one round: every fragment not yet acknowledged, and SURBs for the response. */
  private void attempt(Pending p) {
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
      p.roundNodes.clear();
      // First round: as many SURBs as this name's responses need, so the response needs no extra
      // round trip. Later rounds that find every fragment acknowledged: enough for the whole
      // response, which the exit resends.
      boolean nudge = p.rounds > 1 && p.ackedCount == p.fragments.size();
      int expected = Math.min(p.maxSurbsPerRequest, responseSizes.surbsFor(p.host));
      // A one-packet request's own SURB carries the first response fragment.
      int carried = p.fragments.size() == 1 ? 1 : 0;
      surbsToSend =
          p.rounds == 1
              ? expected - carried
              : nudge ? Math.min(p.maxSurbsPerRequest, Math.max(expected, p.responseCount + 1)) : 0;
    }
    vertx
        .executeBlocking(() -> sendRound(p, surbsToSend), false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                p.fail(
                    ar.cause() instanceof RouterFailure f
                        ? f
                        : new RouterFailure(502, "error", "cannot send: " + ar.cause()));
                return;
              }
              armTimer(p);
            });
  }

  /** Builds and sends one round's packets; runs on a worker (two X25519 per hop each). */
  private Void sendRound(Pending p, int surbCount) {
    RouterState current = state.get();
    RouterNode exit =
        current
            .topology()
            .routerHosting(p.host)
            .orElseThrow(
                () -> new RouterFailure(502, "error", p.host + " left the topology in flight"));
    for (int i = 0; i < p.fragments.size(); i++) {
      synchronized (p) {
        if (p.done || p.acked[i]) {
          continue;
        }
      }
      List<MixnodeEntry> forward = path(current);
      SurbPair surb = newSurb(current, p, forward);
      sendForward(
          current,
          p,
          exit,
          forward,
          current.envelope().request(p.id, surb.surb(), p.fragments.get(i)));
    }
    sendSurbs(current, p, exit, surbCount);
    return null;
  }

  /** Sends {@code count} SURBs for {@code p}'s response (on a worker: they cost X25519). */
  private void sendSurbsLater(RouterState current, Pending p, int count) {
    vertx.executeBlocking(
        () -> {
          RouterNode exit = current.topology().routerHosting(p.host).orElseThrow();
          sendSurbs(current, p, exit, count);
          return null;
        },
        false);
  }

  private void sendSurbs(RouterState current, Pending p, RouterNode exit, int count) {
    int perPacket = current.envelope().surbsPerPacket();
    while (count > 0) {
      int n = Math.min(count, perPacket);
      List<MixnodeEntry> forward = path(current);
      List<Surb> batch = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        batch.add(newSurb(current, p, forward).surb());
      }
      sendForward(current, p, exit, forward, current.envelope().surbs(p.id, batch));
      count -= n;
    }
  }

  /** A SURB back to this router, remembered with the nodes it and its carrier cross. */
  private SurbPair newSurb(RouterState current, Pending p, List<MixnodeEntry> carrier) {
    List<MixnodeEntry> mixes = path(current);
    List<PathHop> hops = hops(current, mixes);
    hops.add(current.selfHop());
    SurbPair pair = current.builder().surb(hops);
    List<String> ids = new ArrayList<>(mixes.size() * 2);
    mixes.forEach(m -> ids.add(m.id()));
    carrier.forEach(m -> ids.add(m.id()));
    surbs.put(pair.secrets().surbId(), new SurbUse(p.id, pair.secrets(), List.copyOf(ids)));
    metrics.surbMade();
    synchronized (p) {
      p.surbIds.add(pair.secrets().surbId());
      p.roundNodes.addAll(ids);
    }
    return pair;
  }

  private void sendForward(
      RouterState current, Pending p, RouterNode exit, List<MixnodeEntry> mixes, byte[] message) {
    List<PathHop> hops = hops(current, mixes);
    hops.add(RouterState.hop(exit));
    OutgoingPacket packet = current.builder().forward(hops, message);
    links.send(mixes.getFirst().address(), packet.packet());
  }

  private List<MixnodeEntry> path(RouterState current) {
    return paths
        .select(current.topology(), suspects.current())
        .orElseThrow(
            () ->
                new RouterFailure(
                    503, "unavailable", "no path through the mixnet (no usable node in a layer)"));
  }

  private List<PathHop> hops(RouterState current, List<MixnodeEntry> mixes) {
    long mean = current.topology().mixing().meanDelayMillis();
    List<PathHop> hops = new ArrayList<>(mixes.size() + 1);
    for (MixnodeEntry node : mixes) {
      hops.add(RouterState.hop(node, exponential(mean)));
    }
    return hops;
  }

  private long exponential(long meanMillis) {
    return meanMillis <= 0 ? 0 : Math.round(-Math.log1p(-random.nextDouble()) * meanMillis);
  }

  private void armTimer(Pending p) {
    long waitMillis;
    synchronized (p) {
      if (p.done) {
        return;
      }
      waitMillis = Math.max(1, p.lastProgressAt + window(p) - System.currentTimeMillis());
    }
    long timer = vertx.setTimer(waitMillis, t -> checkProgress(p));
    synchronized (p) {
      p.timer = timer;
    }
  }

  /** How long a round may go without progress; the caller holds the lock on {@code p}. */
  private long window(Pending p) {
    RouterState current = state.get();
    long rtt = roundTripMillis(current.topology(), settings.retransmitMargin().toMillis());
    // With the whole request at the exit and no response yet, the backend is working.
    boolean backendBusy = p.ackedCount == p.fragments.size() && p.responseCount == 0;
    // The exit may hold a one-packet request's acknowledgement back for the response.
    boolean ackHeld = p.fragments.size() == 1 && p.ackedCount == 0;
    return backendBusy
        ? rtt + settings.backendTimeout().toMillis()
        : ackHeld ? rtt + Envelope.ACK_WAIT_MILLIS : rtt;
  }

  private void checkProgress(Pending p) {
    Set<String> nodes;
    long startedAt;
    synchronized (p) {
      if (p.done) {
        return;
      }
      if (System.currentTimeMillis() - p.lastProgressAt < window(p)) {
        nodes = null;
        startedAt = 0;
      } else {
        nodes = Set.copyOf(p.roundNodes);
        startedAt = p.roundStartedAt;
      }
    }
    if (nodes == null) {
      armTimer(p);
      return;
    }
    suspects.unanswered(nodes, startedAt);
    LOG.log(
        System.Logger.Level.DEBUG,
        "request {0} to {1}: no progress, sending again",
        Long.toHexString(p.id),
        p.host);
    attempt(p);
  }

  /** A reply packet for this router (on a crypto thread). */
  public void onReply(RouterState current, ProcessResult.ReplyDelivery delivery) {
    SurbUse use = surbs.remove(delivery.surbId());
    if (use == null) {
      metrics.refused("unknown_surb");
      return;
    }
    Envelope.Reply reply;
    try {
      reply = Envelope.parseReply(use.secrets().openReply(delivery.payload()));
    } catch (PacketException | MessageException e) {
      metrics.refused("bad_reply");
      return;
    }
    suspects.confirm(use.nodes());
    Pending p = pending.get(use.requestId());
    if (p == null || reply.requestId() != use.requestId()) {
      return; // late reply for a finished request
    }
    switch (reply.kind()) {
      case Envelope.ACK -> {
        boolean responseSurbSpent = acknowledge(p, Envelope.number(reply));
        if (responseSurbSpent) {
          sendSurbsLater(current, p, 1);
        }
      }
      case Envelope.MORE_SURBS -> {
        acknowledgeAll(p);
        sendSurbsLater(current, p, Math.min(Envelope.number(reply), p.maxSurbsPerRequest));
      }
      case Envelope.RESPONSE -> {
        acknowledgeAll(p);
        acceptFragment(p, reply.body());
      }
      default -> metrics.refused("bad_reply");
    }
  }

  /**
   * Marks fragment {@code index} received by the exit; true when this was the first word on a
   * one-packet request, i.e. the exit spent the SURB meant for the response on acknowledging it.
   */
  private boolean acknowledge(Pending p, int index) {
    synchronized (p) {
      if (index >= p.fragments.size() || p.acked[index]) {
        return false;
      }
      p.acked[index] = true;
      p.ackedCount++;
      p.lastProgressAt = System.currentTimeMillis();
      return p.fragments.size() == 1 && p.responseCount == 0;
    }
  }

  /** The exit answers only once the whole request is there. */
  private void acknowledgeAll(Pending p) {
    synchronized (p) {
      Arrays.fill(p.acked, true);
      p.ackedCount = p.fragments.size();
      p.lastProgressAt = System.currentTimeMillis();
    }
  }

  private void acceptFragment(Pending p, byte[] fragment) {
    Optional<byte[]> whole;
    try {
      whole = p.response.accept(fragment);
    } catch (FragmentException e) {
      p.fail(new RouterFailure(502, "error", "bad response from the exit: " + e.getMessage()));
      return;
    }
    synchronized (p) {
      p.lastProgressAt = System.currentTimeMillis();
      p.responseCount = Envelope.fragmentCount(fragment);
    }
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

  private final class Pending {
    final long id;
    final String host;
    final List<byte[]> fragments;
    final boolean[] acked;
    final Reassembler response;
    final int maxSurbsPerRequest;
    final Promise<HttpMessages.Response> promise = Promise.promise();
    final List<SurbId> surbIds = new ArrayList<>();
    final Set<String> roundNodes = new HashSet<>();
    int ackedCount;
    int responseCount;
    int rounds;
    long roundStartedAt;
    long lastProgressAt;
    boolean done;
    long timer = -1;

    Pending(long id, String host, List<byte[]> fragments, Reassembler response, int maxSurbs) {
      this.id = id;
      this.host = host;
      this.fragments = fragments;
      this.acked = new boolean[fragments.size()];
      this.response = response;
      this.maxSurbsPerRequest = maxSurbs;
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

    /** Forgets this request and its unused SURBs; true for the first caller only. */
    private boolean finish() {
      List<SurbId> unused;
      long pendingTimer;
      synchronized (this) {
        if (done) {
          return false;
        }
        done = true;
        unused = List.copyOf(surbIds);
        pendingTimer = timer;
      }
      pending.remove(id);
      unused.forEach(surbs::remove);
      if (pendingTimer >= 0) {
        vertx.cancelTimer(pendingTimer);
      }
      return true;
    }
  }
}
