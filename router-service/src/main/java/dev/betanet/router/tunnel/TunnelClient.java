package dev.betanet.router.tunnel;

import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.Topology.RouterNode;
import dev.betanet.protocol.tunnel.TunnelException;
import dev.betanet.protocol.tunnel.TunnelInitiator;
import dev.betanet.protocol.tunnel.TunnelSession;
import dev.betanet.router.state.RouterFailure;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterSettings;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.wire.HttpMessages;
import dev.betanet.router.wire.MessageException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The entry's side of the fallback tunnel: sends a client's request straight to the exit router
 * hosting its .fog name and completes with the response, or fails with a {@link RouterFailure};
 * never hangs (each request is bounded by {@code request-timeout}).
 *
 * <p>One tunnel per exit router, opened on first use and shared by every request to it. The exit
 * must prove the Ed25519 identity the topology gives it. A tunnel that closes fails the requests it
 * carried (they may have reached the backend, so they are not resent) and is forgotten; the next
 * request opens a new one. When the topology moves an exit to another address or identity, new
 * requests open a tunnel to the new one and the old tunnel closes once its last request is done.
 */
public final class TunnelClient {

  static final String ROLE = "initiator";

  private static final System.Logger LOG = System.getLogger(TunnelClient.class.getName());

  private final Vertx vertx;
  private final Supplier<RouterState> state;
  private final RouterSettings settings;
  private final RouterMetrics metrics;
  private final SecureRandom random;
  private final NetClient net;
  private final Map<String, Link> links = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  public TunnelClient(
      Vertx vertx,
      Supplier<RouterState> state,
      RouterSettings settings,
      RouterMetrics metrics,
      SecureRandom random) {
    this.vertx = vertx;
    this.state = state;
    this.settings = settings;
    this.metrics = metrics;
    this.random = random;
    this.net =
        vertx.createNetClient(
            new NetClientOptions()
                .setConnectTimeout(5_000)
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true));
  }

  /** Requests waiting for their response over a tunnel. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Tunnels open or opening. */
  public int tunnels() {
    return links.size();
  }

  /**
   * Sends {@code request} to the exit hosting its host name.
   *
   * @return the exit's response, or a failed future holding a {@link RouterFailure}
   */
  public Future<HttpMessages.Response> send(HttpMessages.Request request) {
    RouterState current = state.get();
    RouterNode exit;
    try {
      exit = RouterState.exitFor(current, request.host());
    } catch (RouterFailure failure) {
      return Future.failedFuture(failure);
    }
    if (inFlight.incrementAndGet() > settings.maxInFlight()) {
      inFlight.decrementAndGet();
      return Future.failedFuture(
          new RouterFailure(503, "overload", "too many requests in flight at this router"));
    }
    Link link = link(current, exit);
    return link.request(request.host(), HttpMessages.encode(request))
        .onComplete(ar -> inFlight.decrementAndGet())
        .compose(
            bytes -> {
              try {
                return Future.succeededFuture(HttpMessages.decodeResponse(bytes));
              } catch (MessageException e) {
                return Future.failedFuture(
                    new RouterFailure(
                        502, "error", "bad response from the exit: " + e.getMessage()));
              }
            });
  }

  /**
   * Attaches stream {@code id} to the tunnel to the exit hosting {@code host}, opening the tunnel
   * when needed; frames for the stream go to {@code receiver} (on the tunnel's context) until it
   * detaches, and {@link TunnelStreams.Receiver#onClosed} when the tunnel ends first.
   *
   * @return the stream's way out once the tunnel is established, or a failed future holding a
   *     {@link RouterFailure} (an unknown name, a tunnel that could not be opened)
   */
  public Future<TunnelStreams.Attached> attachStream(
      String host, long id, TunnelStreams.Receiver receiver) {
    RouterState current = state.get();
    RouterNode exit;
    try {
      exit = RouterState.exitFor(current, host);
    } catch (RouterFailure failure) {
      return Future.failedFuture(failure);
    }
    return link(current, exit).attach(id, receiver);
  }

  /** The tunnel to {@code exit} as the topology now describes it, opening one when needed. */
  private Link link(RouterState current, RouterNode exit) {
    Link[] retired = {null};
    Link link =
        links.compute(
            exit.id(),
            (id, old) -> {
              if (old != null && !old.closed && old.serves(exit)) {
                return old;
              }
              retired[0] = old;
              return new Link(current, exit);
            });
    if (retired[0] != null) {
      retired[0].retire();
    }
    link.startIfNew();
    return link;
  }

  public Future<Void> close() {
    links.values().forEach(l -> l.fail("router stopping"));
    return net.close();
  }

  /** One tunnel to one exit router, and the requests waiting on it. */
  private final class Link implements TunnelChannel.Handler {
    private final RouterNode exit;

    /** Held, not copied: the identity key is copied out only for the handshake, then wiped. */
    private final NodeKeys keys;

    private final Promise<TunnelChannel> ready = Promise.promise();
    private final Map<Long, Promise<byte[]>> pending = new ConcurrentHashMap<>();
    private final Map<Long, TunnelStreams.Receiver> streams = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final TunnelMessages.Assembly assembly;
    private volatile boolean closed;
    private volatile boolean retired;
    private boolean started;
    private TunnelInitiator initiator;
    private boolean proved;
    private boolean accepted;
    private volatile TunnelChannel channel;

    Link(RouterState current, RouterNode exit) {
      this.exit = exit;
      this.keys = current.files().keys();
      this.assembly =
          new TunnelMessages.Assembly(false, settings.maxMessageBytes(), TunnelServer.MAX_CALLS);
    }

    boolean serves(RouterNode current) {
      return current.tunnelAddress().equals(exit.tunnelAddress())
          && current.ed25519().equals(exit.ed25519());
    }

    synchronized void startIfNew() {
      if (started) {
        return;
      }
      started = true;
      String address = exit.tunnelAddress();
      int colon = address.lastIndexOf(':');
      int port;
      try {
        port = Integer.parseInt(address.substring(colon + 1));
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "router {0} has a bad tunnel address in the topology: {1}",
            exit.id(),
            address);
        fail("bad_tunnel_address");
        return;
      }
      String host = address.substring(0, Math.max(colon, 0));
      net.connect(port, host)
          .onSuccess(
              socket -> {
                channel =
                    new TunnelChannel(
                        vertx,
                        socket,
                        ROLE,
                        metrics,
                        settings.limits().tunnelHandshakeTimeout().toMillis());
                byte[] identity = keys.identityPrivate();
                try {
                  initiator = new TunnelInitiator(identity, exit.ed25519(), random);
                } finally {
                  Arrays.fill(identity, (byte) 0);
                }
                if (closed) { // failed while connecting
                  wipeInitiator();
                  socket.close();
                  return;
                }
                channel.start(this);
                channel.writePlain(initiator.hello());
              })
          .onFailure(
              e -> {
                metrics.tunnel(ROLE, "connect_failed");
                // The cause names the exit's address: for the log, not for the client.
                LOG.log(
                    System.Logger.Level.WARNING,
                    "cannot connect the fallback tunnel to router {0}: {1}",
                    exit.id(),
                    e.toString());
                fail("connect_failed");
              });
    }

    /** Sends one encoded request; completes with the encoded response. */
    Future<byte[]> request(String host, byte[] message) {
      long id = nextId.incrementAndGet();
      Promise<byte[]> response = Promise.promise();
      pending.put(id, response);
      long timer =
          vertx.setTimer(
              settings.requestTimeout().toMillis(),
              t ->
                  response.tryFail(
                      new RouterFailure(
                          504,
                          "timeout",
                          "no response from "
                              + host
                              + " over the fallback tunnel within "
                              + settings.requestTimeout().toSeconds()
                              + " s")));
      response
          .future()
          .onComplete(
              ar -> {
                vertx.cancelTimer(timer);
                pending.remove(id);
                closeIfRetiredAndIdle();
              });
      if (closed) {
        // Lost the race with a close: the close already failed what it saw.
        response.tryFail(failure());
      }
      ready
          .future()
          .onSuccess(ch -> ch.send(TunnelMessages.split(true, id, message)))
          .onFailure(response::tryFail);
      return response.future();
    }

    /** Attaches a stream to this tunnel; see {@link TunnelClient#attachStream}. */
    Future<TunnelStreams.Attached> attach(long id, TunnelStreams.Receiver receiver) {
      if (streams.putIfAbsent(id, receiver) != null) {
        return Future.failedFuture(
            new RouterFailure(503, "unavailable", "stream id already in use on this tunnel"));
      }
      if (closed) {
        streams.remove(id);
        return Future.failedFuture(failure()); // lost the race with a close
      }
      return ready
          .future()
          .<TunnelStreams.Attached>map(ch -> new AttachedStream(ch, id))
          .onFailure(e -> streams.remove(id));
    }

    /** One stream's way out through this tunnel. */
    private final class AttachedStream implements TunnelStreams.Attached {
      private final TunnelChannel ch;
      private final long id;

      AttachedStream(TunnelChannel ch, long id) {
        this.ch = ch;
        this.id = id;
      }

      @Override
      public void send(long streamId, byte[] frame) {
        ch.send(List.of(TunnelMessages.stream(true, streamId, frame)));
      }

      @Override
      public boolean isOpen() {
        return !closed && ch.isEstablished();
      }

      @Override
      public void detach() {
        streams.remove(id);
        closeIfRetiredAndIdle();
      }
    }

    private void closeIfRetiredAndIdle() {
      if (retired && pending.isEmpty() && streams.isEmpty() && channel != null) {
        channel.close("retired");
      }
    }

    @Override
    public void onFrame(byte[] body) throws TunnelException, MessageException {
      if (channel.isEstablished()) {
        byte[] plaintext = channel.open(body);
        var part = TunnelMessages.streamPart(plaintext, false);
        if (part.isPresent()) {
          TunnelStreams.Receiver receiver = streams.get(part.get().id());
          if (receiver == null) {
            metrics.refused("tunnel_unknown_stream"); // ended here; a late frame of the exit's
          } else {
            receiver.onFrame(part.get().id(), part.get().frame());
          }
          return;
        }
        var message = assembly.accept(plaintext);
        if (message.isPresent()) {
          Promise<byte[]> waiting = pending.get(message.get().id());
          if (waiting != null) {
            waiting.tryComplete(message.get().bytes());
          }
        }
        return;
      }
      byte[] proof = null;
      TunnelSession session = null;
      synchronized (this) {
        if (initiator == null || accepted) {
          throw new TunnelException(TunnelException.Kind.MALFORMED, "handshake already ended");
        }
        if (!proved) {
          proved = true;
          proof = initiator.onChallenge(body); // wipes the initiator's key copies
        } else {
          accepted = true;
          // Nothing is sent through the tunnel before the exit's signature verifies.
          session = initiator.onAccept(body);
        }
      }
      if (proof != null) {
        channel.writePlain(proof);
        return;
      }
      channel.established(session);
      ready.tryComplete(channel);
    }

    @Override
    public void onClosed(String reason) {
      fail(reason);
    }

    private RouterFailure failure() {
      return ready.future().succeeded()
          ? new RouterFailure(
              502,
              "error",
              "the fallback tunnel to router " + exit.id() + " closed before the response")
          : new RouterFailure(
              503, "unavailable", "cannot open the fallback tunnel to router " + exit.id());
    }

    /** A handshake that ends early wipes the initiator's identity and ephemeral key copies. */
    private synchronized void wipeInitiator() {
      if (initiator != null) {
        initiator.destroy();
      }
      initiator = null;
    }

    void fail(String reason) {
      closed = true;
      wipeInitiator();
      links.remove(exit.id(), this);
      RouterFailure failure = failure();
      RouterFailure detailed =
          new RouterFailure(
              failure.status(), failure.outcome(), failure.getMessage() + ": " + reason);
      ready.tryFail(detailed);
      pending.values().forEach(p -> p.tryFail(detailed));
      // Attached streams end with their tunnel: they never move to another one.
      streams.values().forEach(TunnelStreams.Receiver::onClosed);
      streams.clear();
      if (channel != null) {
        channel.close(reason);
      }
    }

    void retire() {
      retired = true;
      closeIfRetiredAndIdle();
    }
  }
}
