package dev.betanet.router.packet;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Outgoing packet connections (mutual TLS 1.3, {@link RouterLinks}), one per {@code host:port},
 * each owned by one event loop so its state needs no locks. Packets wait in a bounded queue while
 * the connection opens; beyond the bound, or when the socket's write queue is full, they are
 * dropped and counted: the mixnet tolerates loss (retransmission covers it) and memory must stay
 * bounded. A failed connect drops the queue and is reported, so the sender can suspect that first
 * hop; so is a link that reaches a node other than the one the topology lists at that address.
 */
public final class PacketLinks implements PacketOutlet {

  private final Vertx vertx;
  private final NetClient client;
  private final int maxQueued;
  private final Consumer<String> onUnreachable;
  private final RouterLinks routerLinks;
  private final Map<String, Link> links = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();

  /**
   * @param routerLinks the mutual TLS every link speaks: this router's identity, and the pin the
   *     node reached must match
   */
  public PacketLinks(
      Vertx vertx, int maxQueued, Consumer<String> onUnreachable, RouterLinks routerLinks) {
    this.vertx = vertx;
    this.routerLinks = routerLinks;
    this.client =
        vertx.createNetClient(
            routerLinks.clientOptions().setConnectTimeout(2000).setTcpNoDelay(true));
    this.maxQueued = maxQueued;
    this.onUnreachable = onUnreachable;
  }

  /** Queues one packet (length-prefixed on the wire) for {@code address}; never blocks. */
  @Override
  public void send(String address, byte[] packet) {
    Buffer frame = Buffer.buffer(4 + packet.length).appendInt(packet.length).appendBytes(packet);
    Link link = links.computeIfAbsent(address, a -> new Link(a, vertx.getOrCreateContext()));
    link.context.runOnContext(v -> link.send(frame));
  }

  /** Packets dropped since start (queue full or connection failed). */
  public long dropped() {
    return dropped.get();
  }

  public void close() {
    client.close();
  }

  private final class Link {
    final String address;
    final Context context;
    final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    NetSocket socket;
    boolean connecting;

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

    void unreachable() {
      dropped.addAndGet(queue.size());
      queue.clear();
      onUnreachable.accept(address);
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
                  unreachable();
                  return;
                }
                NetSocket s = ar.result();
                if (!routerLinks.reachedListedNode(host, port, s)) {
                  // Not the node the topology lists there: not one packet goes to it.
                  s.close();
                  unreachable();
                  return;
                }
                socket = s;
                s.closeHandler(v -> socket = socket == s ? null : socket);
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
