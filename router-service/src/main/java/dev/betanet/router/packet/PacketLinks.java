package dev.betanet.router.packet;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Outgoing packet connections (mutual TLS 1.3, {@link RouterLinks}), one per {@code host:port},
 * each owned by one event loop so its state needs no locks. Packets wait in a bounded queue while
 * the connection opens; beyond the bound, or when the socket's write queue is full, they are
 * dropped and counted: the mixnet tolerates loss (retransmission covers it) and memory must stay
 * bounded. A failed connect drops the queue and is reported, so the sender can suspect that first
 * hop; so is a link that reaches a node other than the one the topology lists at that address. A
 * link that opens is reported too, which lifts that suspicion ({@link Reachability}).
 *
 * <p>The links to the first layer are opened when a topology is applied ({@link #keepOpen}) and
 * reopened when they close, so a packet never waits for a TLS handshake (docs/protocol.md, "Cold
 * links"). Failures to open are counted ({@code betanet_router_link_failures_total}); a failure
 * with no packet waiting does not make the node a suspect (nothing was lost), it is retried with a
 * backoff of up to {@value #MAX_BACKOFF_MILLIS} ms.
 */
public final class PacketLinks implements PacketOutlet {

  /** What the links learn about reaching each address; called on a link's event loop. */
  public interface Reachability {
    /** A link could not be opened while packets waited for it: they were dropped. */
    void unreachable(String address);

    /** A link to the node the topology lists at {@code address} opened. */
    void reachable(String address);
  }

  private final Vertx vertx;
  private final NetClient client;
  private final int maxQueued;
  private final Reachability reachability;
  private final RouterLinks routerLinks;
  private final Map<String, Link> links = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicInteger open = new AtomicInteger();
  private volatile boolean closed;

  private static final long MIN_BACKOFF_MILLIS = 50;
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  /**
   * @param routerLinks the mutual TLS every link speaks: this router's identity, and the pin the
   *     node reached must match
   */
  public PacketLinks(
      Vertx vertx, int maxQueued, Reachability reachability, RouterLinks routerLinks) {
    this.vertx = vertx;
    this.routerLinks = routerLinks;
    this.client =
        vertx.createNetClient(
            routerLinks.clientOptions().setConnectTimeout(2000).setTcpNoDelay(true));
    this.maxQueued = maxQueued;
    this.reachability = reachability;
    routerLinks.countOpen(open::get);
  }

  /**
   * Opens, and keeps open, a link to each of {@code addresses} (the first layer of the topology in
   * force, {@link dev.betanet.protocol.link.NextLayer#fromRouter}); links to other addresses are no
   * longer kept (an open one stays while packets still go to it). At most one link per address of
   * the layer is kept. Any thread.
   */
  public void keepOpen(Set<String> addresses) {
    links.forEach(
        (address, link) -> {
          boolean keep = addresses.contains(address);
          link.context.runOnContext(v -> link.keep(keep));
        });
    for (String address : addresses) {
      Link link = link(address);
      link.context.runOnContext(v -> link.keep(true));
    }
  }

  /** Outbound links open now. */
  public int open() {
    return open.get();
  }

  private Link link(String address) {
    return links.computeIfAbsent(address, a -> new Link(a, vertx.getOrCreateContext()));
  }

  /**
   * Queues one packet (length-prefixed on the wire) for {@code address}; never blocks. Always true:
   * the link decides on its own event loop, and what it drops is counted in {@link #dropped()}.
   */
  @Override
  public boolean send(String address, byte[] packet) {
    Buffer frame = Buffer.buffer(4 + packet.length).appendInt(packet.length).appendBytes(packet);
    Link link = link(address);
    link.context.runOnContext(v -> link.send(frame));
    return true;
  }

  /** Packets dropped since start (queue full or connection failed). */
  public long dropped() {
    return dropped.get();
  }

  public void close() {
    closed = true;
    client.close();
  }

  private final class Link {
    final String address;
    final Context context;
    final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    NetSocket socket;
    boolean connecting;
    boolean kept;
    boolean retryScheduled;
    long backoffMillis = MIN_BACKOFF_MILLIS;

    Link(String address, Context context) {
      this.address = address;
      this.context = context;
    }

    void send(Buffer frame) {
      if (socket != null) {
        if (socket.writeQueueFull()) {
          dropped.incrementAndGet();
        } else {
          socket.write(frame);
          backoffMillis = MIN_BACKOFF_MILLIS;
        }
        return;
      }
      if (queue.size() >= maxQueued) {
        dropped.incrementAndGet();
        return;
      }
      queue.add(frame);
      if (!connecting) {
        connect();
      }
    }

    void keep(boolean keep) {
      kept = keep;
      if (keep && socket == null && !connecting && !retryScheduled && !closed) {
        connect();
      }
    }

    /**
     * The link could not be opened: packets waiting are dropped and the node reported (the sender
     * suspects it); a kept link is tried again later, with or without packets.
     */
    void failed() {
      if (!queue.isEmpty()) {
        dropped.addAndGet(queue.size());
        queue.clear();
        reachability.unreachable(address);
      }
      retryLater();
    }

    /**
     * Reopens a kept link after a backoff that doubles up to {@value #MAX_BACKOFF_MILLIS} ms and is
     * reset once packets are written: a peer that refuses or closes each link at once (a topology
     * it has not loaded yet) is retried ever more slowly.
     */
    void retryLater() {
      if (!kept || closed || retryScheduled) {
        return;
      }
      retryScheduled = true;
      long delay = backoffMillis;
      backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
      vertx.setTimer(
          delay,
          id ->
              context.runOnContext(
                  v -> {
                    retryScheduled = false;
                    keep(kept);
                  }));
    }

    void connect() {
      connecting = true;
      int colon = address.lastIndexOf(':');
      String host = address.substring(0, colon).replace("[", "").replace("]", "");
      int port = Integer.parseInt(address.substring(colon + 1));
      client
          .connect(port, host)
          .onComplete(
              ar -> {
                connecting = false;
                if (ar.failed()) {
                  routerLinks.failedOutbound(ar.cause());
                  failed();
                  return;
                }
                NetSocket s = ar.result();
                if (closed) {
                  s.close();
                  return;
                }
                if (!routerLinks.reachedListedNode(host, port, s)) {
                  // Not the node the topology lists there: not one packet goes to it.
                  routerLinks.failedToOpen();
                  s.close();
                  failed();
                  return;
                }
                RouterLinks.usePooledBuffers(s);
                socket = s;
                open.incrementAndGet();
                reachability.reachable(address);
                s.closeHandler(
                    v -> {
                      open.decrementAndGet();
                      if (socket == s) {
                        socket = null;
                      }
                      retryLater();
                    });
                s.exceptionHandler(e -> s.close());
                // Nothing is expected back on an outgoing link.
                s.handler(b -> {});
                while (!queue.isEmpty()) {
                  s.write(queue.poll());
                }
              });
    }
  }
}
