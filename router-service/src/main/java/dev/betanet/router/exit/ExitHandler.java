package dev.betanet.router.exit;

import dev.betanet.protocol.fragment.FragmentException;
import dev.betanet.protocol.fragment.Fragments;
import dev.betanet.protocol.fragment.Reassembler;
import dev.betanet.protocol.packet.OutgoingPacket;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.Surb;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.wire.Envelope;
import dev.betanet.router.wire.MessageException;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The exit role: reassembles requests for the .fog services this router hosts, has {@link
 * BackendCaller} call the backend once per request id, and answers through SURBs.
 *
 * <p>A request fragment is acknowledged at once through the SURB it carries, duplicates included (a
 * duplicate means the entry missed the acknowledgement), except the first copy of a one-packet
 * request: its SURB is kept for the response, which acknowledges it, and spent on an
 * acknowledgement only if the backend has not answered within {@link Envelope#ACK_WAIT_MILLIS}. So
 * a small request to a quick backend costs one packet each way. The response goes out through that
 * SURB and the SURBs of SURBS messages; when one SURB is left and more fragments remain, it asks
 * for more.
 *
 * <p>Duplicates: a request id is remembered (with its response) after it completes, so a
 * retransmitted fragment never reaches the backend twice. When fresh SURBs arrive after the whole
 * response was sent, the entry is missing part of it (it only sends SURBs then), so the response is
 * sent again from the start.
 *
 * <p>Bounded: at most {@code maxRequests} request ids are held, and answered responses kept for
 * resending total at most {@link #RETAINED_RESPONSE_BYTES} (the oldest is forgotten first in both
 * cases); at most {@link #REASSEMBLING} requests are reassembled at once; SURBs per request are
 * capped.
 */
public final class ExitHandler {

  private enum Phase {
    RECEIVING,
    CALLING,
    DONE
  }

  private final class Exchange {
    final ArrayDeque<Surb> surbs = new ArrayDeque<>();
    Phase phase = Phase.RECEIVING;
    List<byte[]> responseFragments = List.of();
    long retainedBytes;
    int cursor;

    /** SURBs asked for with MORE_SURBS and not yet arrived: ask again only once they have. */
    int surbsAwaited;

    /** A one-packet request's SURB, kept for its response; null once spent or never held. */
    Surb heldForResponse;

    long lastRestartAt;
  }

  private final PacketSender sender;
  private final BackendCaller backend;
  private final RouterMetrics metrics;

  /** Bytes of answered responses kept so a retransmission can be answered without the backend. */
  static final long RETAINED_RESPONSE_BYTES = 64L << 20;

  /** Requests reassembled at once; each may hold up to the message limit. */
  static final int REASSEMBLING = 64;

  private final int maxRequests;
  private long retainedBytes;
  private final int maxSurbsPerRequest;
  private final long restartQuietMillis;
  private final Map<Long, Exchange> exchanges;
  private Reassembler reassembler;
  private Envelope envelope;

  /** Sends a ready packet to a node by reference, via the state in force. */
  public interface PacketSender {
    void send(OutgoingPacket packet);
  }

  /** Runs a task later, off the caller's thread. */
  public interface Scheduler {
    void after(long millis, Runnable task);
  }

  private final Scheduler scheduler;

  public ExitHandler(
      PacketSender sender,
      Scheduler scheduler,
      BackendCaller backend,
      RouterMetrics metrics,
      int maxRequests,
      int maxSurbsPerRequest,
      long restartQuietMillis) {
    this.sender = sender;
    this.scheduler = scheduler;
    this.backend = backend;
    this.metrics = metrics;
    this.maxRequests = maxRequests;
    this.maxSurbsPerRequest = maxSurbsPerRequest;
    this.restartQuietMillis = restartQuietMillis;
    this.exchanges =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, Exchange> eldest) {
            if (size() <= ExitHandler.this.maxRequests) {
              return false;
            }
            retainedBytes -= eldest.getValue().retainedBytes;
            return true;
          }
        };
  }

  /** A forward message delivered to this router (on a crypto thread). */
  public synchronized void onForward(RouterState state, byte[] message, int maxMessageBytes) {
    if (envelope == null || !envelope.geometry().equals(state.geometry())) {
      envelope = state.envelope();
      reassembler =
          new Reassembler(
              new Fragments(envelope.requestFragmentBytes()), maxMessageBytes, REASSEMBLING);
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
    Exchange exchange = exchanges.computeIfAbsent(forward.requestId(), id -> new Exchange());
    if (forward.kind() == Envelope.REQUEST) {
      onFragment(forward.requestId(), exchange, forward.surbs().getFirst(), forward.fragment());
      return;
    }
    restartIfResent(exchange);
    for (Surb surb : forward.surbs()) {
      if (exchange.surbs.size() < maxSurbsPerRequest) {
        exchange.surbs.add(surb);
      }
    }
    exchange.surbsAwaited = Math.max(0, exchange.surbsAwaited - forward.surbs().size());
    pump(forward.requestId(), exchange);
  }

  private void onFragment(long id, Exchange exchange, Surb surb, byte[] fragment) {
    if (fragment.length < Fragments.HEADER_BYTES) {
      metrics.refused("bad_fragment");
      return;
    }
    int index = Envelope.fragmentIndex(fragment);
    if (exchange.phase != Phase.RECEIVING) {
      // A retransmission of a request already complete: acknowledged, nothing more.
      send(surb, Envelope.ack(id, index));
      return;
    }
    Optional<byte[]> whole;
    try {
      whole = reassembler.accept(fragment);
    } catch (FragmentException e) {
      send(surb, Envelope.ack(id, index));
      metrics.refused("bad_fragment");
      return;
    }
    if (whole.isPresent() && Envelope.fragmentCount(fragment) == 1) {
      exchange.heldForResponse = surb;
      exchange.surbs.addFirst(surb);
      scheduler.after(Envelope.ACK_WAIT_MILLIS, () -> acknowledgeIfUnanswered(id, exchange));
    } else {
      send(surb, Envelope.ack(id, index));
    }
    if (whole.isPresent()) {
      exchange.phase = Phase.CALLING;
      backend
          .call(whole.get())
          .onComplete(
              ar ->
                  finished(
                      id,
                      exchange,
                      ar.succeeded()
                          ? ar.result()
                          : BackendCaller.error(502, "exit failed: " + ar.cause())));
    }
  }

  /** The backend is slow: the entry must hear that its request arrived, or it sends it again. */
  private synchronized void acknowledgeIfUnanswered(long id, Exchange exchange) {
    Surb held = exchange.heldForResponse;
    exchange.heldForResponse = null;
    if (held != null && exchange.surbs.remove(held)) {
      send(held, Envelope.ack(id, 0));
    }
  }

  /** Fresh SURBs for a response already sent whole: the entry missed some; start over. */
  private void restartIfResent(Exchange exchange) {
    long now = System.currentTimeMillis();
    if (exchange.phase == Phase.DONE
        && exchange.cursor >= exchange.responseFragments.size()
        && now - exchange.lastRestartAt >= restartQuietMillis) {
      exchange.cursor = 0;
      exchange.lastRestartAt = now;
    }
  }

  private synchronized void finished(long id, Exchange exchange, byte[] response) {
    exchange.phase = Phase.DONE;
    exchange.responseFragments =
        new Fragments(envelope.responseFragmentBytes()).split(id, response);
    if (exchanges.get(id) == exchange) { // not forgotten while the backend worked
      exchange.retainedBytes = response.length;
      retainedBytes += response.length;
    }
    var oldest = exchanges.entrySet().iterator();
    while (retainedBytes > RETAINED_RESPONSE_BYTES && oldest.hasNext()) {
      Exchange old = oldest.next().getValue();
      if (old != exchange) {
        retainedBytes -= old.retainedBytes;
        oldest.remove();
      }
    }
    exchange.cursor = 0;
    exchange.lastRestartAt = System.currentTimeMillis();
    pump(id, exchange);
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

  /** Request ids remembered (in progress or answered). */
  public synchronized int remembered() {
    return exchanges.size();
  }
}
