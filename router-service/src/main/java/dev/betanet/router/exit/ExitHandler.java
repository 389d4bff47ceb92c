package dev.betanet.router.exit;

import dev.betanet.protocol.fragment.Fragments;
import dev.betanet.protocol.packet.OutgoingPacket;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.Surb;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.wire.Envelope;
import dev.betanet.router.wire.MessageException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The exit role: reassembles requests for the .fog services this router hosts, has {@link
 * BackendCaller} call the backend once per request id, and answers through SURBs.
 *
 * <p>A request fragment is acknowledged through the SURB it carries once it is stored, duplicates
 * included (a duplicate means the entry missed the acknowledgement), except the first copy of a
 * one-packet request: its SURB is kept for the response, which acknowledges it, and spent on an
 * acknowledgement only if the backend has not answered within {@link Envelope#ACK_WAIT_MILLIS}. The
 * response goes out through that SURB and the SURBs of SURBS messages; when one SURB is left and
 * more fragments remain, it asks for more. SURBs that arrive before their request wait apart
 * ({@link EarlySurbs}).
 *
 * <p>This state lives in memory, so a restart loses it. Every acknowledgement names this process
 * (its incarnation), so the entry can tell that what an earlier process acknowledged is gone and
 * send it again; and SURBs the entry sends once it heard every fragment acknowledged ({@code
 * SURBS_AFTER_ACK}) for a request this process does not hold are answered {@code UNKNOWN_REQUEST}
 * (docs/router.md, "Exit restarts"). The exit never has to trust state it lost.
 *
 * <p>Two promises, and the bounds that keep them (docs/router.md, "Exit bounds"):
 *
 * <ul>
 *   <li><b>An acknowledged fragment is kept</b> until its request completes or its entry has given
 *       up ({@link Bounds#retentionMillis} without a new fragment): the entry never resends an
 *       acknowledged fragment. So nothing pushes a stored fragment out; a fragment that finds no
 *       room (the request table full of requests still within their retention, or the fragments'
 *       byte budget spent) is dropped <i>without</i> an acknowledgement and counted, and the entry
 *       sends it again in its next round.
 *   <li><b>The backend is called once per request id</b>: an answered request's id is remembered
 *       for {@link Bounds#retentionMillis} after its answer, whatever else arrives; only SURBs and
 *       the first fragment of a new request create state, and a full table refuses new requests
 *       rather than forget answered ones. Answered responses are kept for resending up to {@link
 *       Bounds#maxRetainedBytes}; past it the oldest response's bytes (not its id) are dropped,
 *       counted, and a resend of it is an error response instead of a second backend call.
 * </ul>
 */
public final class ExitHandler {

  /**
   * The exit's bounds.
   *
   * @param maxRequests request ids held at once: being received, at the backend, or answered
   * @param maxSurbsPerRequest SURBs held per request
   * @param restartQuietMillis least time between two resends of one whole response
   * @param retentionMillis how long an answered request is remembered, and a partial one kept
   *     without a new fragment; longer than any entry's {@code request-timeout}
   * @param maxPendingBytes fragment data held by requests being received
   * @param maxRetainedBytes answered responses held for resending
   * @param maxEarlySurbIds request ids whose SURBs arrived before the request
   */
  public record Bounds(
      int maxRequests,
      int maxSurbsPerRequest,
      long restartQuietMillis,
      long retentionMillis,
      long maxPendingBytes,
      long maxRetainedBytes,
      int maxEarlySurbIds) {}

  private enum Phase {
    RECEIVING,
    CALLING,
    DONE
  }

  private static final class Exchange {
    final ArrayDeque<Surb> surbs = new ArrayDeque<>();
    Phase phase = Phase.RECEIVING;
    RequestParts parts;
    long lastProgressAt;
    List<byte[]> responseFragments = List.of();
    long retainedBytes;
    long answeredAt;
    int cursor;

    /** SURBs asked for with MORE_SURBS and not yet arrived: ask again only once they have. */
    int surbsAwaited;

    /** A one-packet request's SURB, kept for its response; null once spent or never held. */
    Surb heldForResponse;

    long lastRestartAt;
  }

  /** How many of the oldest requests a new one looks through for one past its retention. */
  private static final int EXPIRY_SCAN = 64;

  /** Sends a ready packet to a node by reference, via the state in force. */
  public interface PacketSender {
    void send(OutgoingPacket packet);
  }

  /** Runs a task later, off the caller's thread. */
  public interface Scheduler {
    void after(long millis, Runnable task);
  }

  private final PacketSender sender;
  private final Scheduler scheduler;
  private final BackendCaller backend;
  private final RouterMetrics metrics;
  private final Bounds bounds;
  private final LongSupplier clock;
  private final Map<Long, Exchange> exchanges = new LinkedHashMap<>();
  private final EarlySurbs early;
  private long pendingBytes;
  private long retainedBytes;

  /**
   * This exit process: its start in milliseconds, carried by every acknowledgement. Reassembly
   * state lives in memory, so a restarted exit has lost fragments its predecessor acknowledged; the
   * larger incarnation tells the entry to send them again (docs/router.md, "Exit restarts").
   */
  private final long incarnation;

  private Envelope envelope;
  private Fragments requestFormat;

  /**
   * @param clock milliseconds, for the retention and resend windows
   */
  public ExitHandler(
      PacketSender sender,
      Scheduler scheduler,
      BackendCaller backend,
      RouterMetrics metrics,
      Bounds bounds,
      LongSupplier clock) {
    this.sender = sender;
    this.scheduler = scheduler;
    this.backend = backend;
    this.metrics = metrics;
    this.bounds = bounds;
    this.clock = clock;
    this.incarnation = clock.getAsLong();
    this.early = new EarlySurbs(bounds.maxEarlySurbIds(), bounds.maxSurbsPerRequest(), metrics);
  }

  /** A forward message delivered to this router (on a crypto thread). */
  public synchronized void onForward(RouterState state, byte[] message, int maxMessageBytes) {
    if (envelope == null || !envelope.geometry().equals(state.geometry())) {
      envelope = state.envelope();
      requestFormat = new Fragments(envelope.requestFragmentBytes());
    }
    Envelope.Forward forward;
    try {
      forward = envelope.parseForward(message);
    } catch (MessageException e) {
      metrics.refused("bad_message");
      return;
    }
    if (forward.kind() == Envelope.COVER) {
      metrics.coverReceived();
      return;
    }
    long id = forward.requestId();
    if (forward.kind() == Envelope.REQUEST) {
      onFragment(id, forward.surbs().getFirst(), forward.fragment(), maxMessageBytes);
      return;
    }
    Exchange exchange = exchanges.get(id);
    if (exchange == null && forward.kind() == Envelope.SURBS_AFTER_ACK) {
      // The entry heard every fragment acknowledged, by a process before this one: what it
      // acknowledged is gone. Say so through one of the SURBs; the others are dropped with it.
      metrics.refused("unknown_request");
      send(forward.surbs().getFirst(), Envelope.unknownRequest(id));
      return;
    }
    if (exchange == null) {
      early.add(id, forward.surbs()); // creates no request: see EarlySurbs
      return;
    }
    restartIfResent(exchange);
    addSurbs(exchange, forward.surbs());
    exchange.surbsAwaited = Math.max(0, exchange.surbsAwaited - forward.surbs().size());
    pump(id, exchange);
  }

  private void addSurbs(Exchange exchange, List<Surb> surbs) {
    for (Surb surb : surbs) {
      if (exchange.surbs.size() < bounds.maxSurbsPerRequest()) {
        exchange.surbs.add(surb);
      }
    }
  }

  private void onFragment(long id, Surb surb, byte[] fragment, int maxMessageBytes) {
    Exchange exchange = exchanges.get(id);
    if (exchange != null && exchange.phase != Phase.RECEIVING) {
      // A retransmission of a request already complete: acknowledged, nothing more.
      if (fragment.length >= Fragments.HEADER_BYTES) {
        send(surb, Envelope.ack(id, RequestParts.index(fragment), incarnation));
      }
      return;
    }
    int knownCount = exchange == null ? 0 : exchange.parts.count();
    if (RequestParts.problem(fragment, id, requestFormat, maxMessageBytes, knownCount) != null) {
      metrics.refused("bad_fragment"); // nothing stored, so nothing acknowledged
      return;
    }
    long now = clock.getAsLong();
    boolean duplicate = exchange != null && exchange.parts.has(RequestParts.index(fragment));
    if (!duplicate && pendingBytes + RequestParts.dataBytes(fragment) > bounds.maxPendingBytes()) {
      metrics.refused("exit_reassembly_full"); // not acknowledged: the entry sends it again
      return;
    }
    if (exchange == null) {
      if (!roomForOneMore(now)) {
        metrics.refused("exit_requests_full"); // not acknowledged: the entry sends it again
        return;
      }
      exchange = new Exchange();
      exchange.parts = RequestParts.of(fragment);
      exchanges.put(id, exchange);
      addSurbs(exchange, early.take(id));
    }
    if (exchange.parts.put(fragment)) {
      pendingBytes += RequestParts.dataBytes(fragment);
      exchange.lastProgressAt = now;
    }
    int index = RequestParts.index(fragment);
    if (!exchange.parts.complete()) {
      send(surb, Envelope.ack(id, index, incarnation));
      return;
    }
    byte[] whole = exchange.parts.assemble();
    pendingBytes -= exchange.parts.bytes();
    boolean onePacket = exchange.parts.count() == 1;
    exchange.parts = null;
    if (onePacket) {
      Exchange waiting = exchange;
      exchange.heldForResponse = surb;
      exchange.surbs.addFirst(surb);
      scheduler.after(Envelope.ACK_WAIT_MILLIS, () -> acknowledgeIfUnanswered(id, waiting));
    } else {
      send(surb, Envelope.ack(id, index, incarnation));
    }
    exchange.phase = Phase.CALLING;
    Exchange calling = exchange;
    backend
        .call(whole)
        .onComplete(
            ar ->
                finished(
                    id,
                    calling,
                    ar.succeeded()
                        ? ar.result()
                        : BackendCaller.error(502, "exit_failed", "the exit could not serve")));
  }

  /**
   * Whether the table has room for one more request, after forgetting the first request (of the
   * oldest few) past its retention: a partial one whose entry has given up, or an answered one its
   * entry can no longer ask about. Requests within their retention are never forgotten for room.
   */
  private boolean roomForOneMore(long now) {
    if (exchanges.size() < bounds.maxRequests()) {
      return true;
    }
    Iterator<Exchange> oldest = exchanges.values().iterator();
    for (int i = 0; i < EXPIRY_SCAN && oldest.hasNext(); i++) {
      Exchange candidate = oldest.next();
      if (expired(candidate, now)) {
        forget(candidate);
        oldest.remove();
        return true;
      }
    }
    return false;
  }

  private boolean expired(Exchange exchange, long now) {
    return switch (exchange.phase) {
      case RECEIVING -> now - exchange.lastProgressAt >= bounds.retentionMillis();
      case CALLING -> false; // the backend call is bounded by its own timeout
      case DONE -> now - exchange.answeredAt >= bounds.retentionMillis();
    };
  }

  private void forget(Exchange exchange) {
    if (exchange.parts != null) {
      pendingBytes -= exchange.parts.bytes();
    }
    retainedBytes -= exchange.retainedBytes;
  }

  /** The backend is slow: the entry must hear that its request arrived, or it sends it again. */
  private synchronized void acknowledgeIfUnanswered(long id, Exchange exchange) {
    Surb held = exchange.heldForResponse;
    exchange.heldForResponse = null;
    if (held != null && exchange.surbs.remove(held)) {
      send(held, Envelope.ack(id, 0, incarnation));
    }
  }

  /** Fresh SURBs for a response already sent whole: the entry missed some; start over. */
  private void restartIfResent(Exchange exchange) {
    long now = clock.getAsLong();
    if (exchange.phase == Phase.DONE
        && exchange.cursor >= exchange.responseFragments.size()
        && now - exchange.lastRestartAt >= bounds.restartQuietMillis()) {
      exchange.cursor = 0;
      exchange.lastRestartAt = now;
    }
  }

  private synchronized void finished(long id, Exchange exchange, byte[] response) {
    long now = clock.getAsLong();
    exchange.phase = Phase.DONE;
    exchange.answeredAt = now;
    exchange.responseFragments =
        new Fragments(envelope.responseFragmentBytes()).split(id, response);
    exchange.retainedBytes = response.length;
    retainedBytes += response.length;
    for (var entry : exchanges.entrySet()) {
      if (retainedBytes <= bounds.maxRetainedBytes()) {
        break;
      }
      Exchange old = entry.getValue();
      if (old != exchange && old.retainedBytes > 0) {
        dropResponse(entry.getKey(), old);
      }
    }
    exchange.cursor = 0;
    exchange.lastRestartAt = now;
    pump(id, exchange);
  }

  /**
   * Frees an answered response's bytes but remembers its id, so a resend is answered with an error
   * and the backend is still called once.
   */
  private void dropResponse(long id, Exchange old) {
    retainedBytes -= old.retainedBytes;
    old.retainedBytes = 0;
    old.responseFragments =
        new Fragments(envelope.responseFragmentBytes())
            .split(
                id,
                BackendCaller.error(
                    502,
                    "response_dropped",
                    "the exit no longer holds this response; it was answered once"));
    old.cursor = Math.min(old.cursor, old.responseFragments.size());
    metrics.refused("exit_response_dropped");
  }

  /** Sends what response fragments the SURBs in hand allow; keeps the last SURB to ask for more. */
  private void pump(long id, Exchange exchange) {
    if (exchange.phase != Phase.DONE) {
      return;
    }
    List<byte[]> fragments = exchange.responseFragments;
    while (exchange.cursor < fragments.size() && !exchange.surbs.isEmpty()) {
      int remaining = fragments.size() - exchange.cursor;
      if (exchange.surbs.size() == 1 && remaining > 1) {
        if (exchange.surbsAwaited == 0) {
          exchange.surbsAwaited = Math.min(0xFFFF, remaining);
          send(exchange.surbs.poll(), Envelope.moreSurbs(id, exchange.surbsAwaited));
        }
        return;
      }
      byte[] fragment = fragments.get(exchange.cursor++);
      send(exchange.surbs.poll(), Envelope.reply(Envelope.RESPONSE, id, fragment));
    }
  }

  private void send(Surb surb, byte[] message) {
    sender.send(PacketBuilder.reply(envelope.geometry(), surb, message));
  }

  /** Request ids remembered (being received, at the backend or answered). */
  public synchronized int remembered() {
    return exchanges.size();
  }

  /** Fragment data bytes held by requests being received. */
  public synchronized long pendingBytes() {
    return pendingBytes;
  }

  /** Answered response bytes held for resending. */
  public synchronized long retainedBytes() {
    return retainedBytes;
  }
}
