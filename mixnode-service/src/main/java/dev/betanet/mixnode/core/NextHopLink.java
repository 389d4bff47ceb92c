package dev.betanet.mixnode.core;

import dev.betanet.protocol.memory.ByteBudget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * One pooled, reconnecting mutual-TLS connection to one next hop from one {@link PacketLoop} (its
 * identity checked against the topology before the first packet is written), with its own bounded
 * queue. Any thread may {@link #offer}; everything else runs on the link's own event-loop context
 * (its loop's), so a slow or dead next hop fills only its own queue (then its packets are dropped
 * and counted) and never holds up traffic to other hops.
 */
final class NextHopLink {

  private static final Logger LOG = Logger.getLogger(NextHopLink.class);

  /**
   * Packets are coalesced into writes of up to this size: one syscall for many packets. 32 KiB is
   * the largest buffer Netty's per-thread cache serves without taking the arena's lock.
   */
  private static final int BATCH_BYTES = 32 * 1024;

  private static final long MIN_BACKOFF_MILLIS = 50;
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  private final RoutingTable.Address address;
  private final ContextInternal context;
  private final NetClient client;
  private final int bound;
  private final ByteBudget memory;
  private final MixnodeMetrics metrics;
  private final NodeLinks links;
  private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();

  /**
   * Whether the topology in force names this hop as one this node sends to: then the link is opened
   * before any packet needs it and reopened when it closes, so no packet waits for a handshake
   * (docs/protocol.md, "Cold links"). Set from the state watcher's thread.
   */
  private volatile boolean kept;

  // Confined to the context's event-loop thread.
  private NetSocket socket;
  private boolean connecting;
  private long backoffMillis = MIN_BACKOFF_MILLIS;
  private long nextAttemptNanos;
  private boolean closed;

  NextHopLink(
      RoutingTable.Address address,
      ContextInternal context,
      NetClient client,
      int bound,
      ByteBudget memory,
      MixnodeMetrics metrics,
      NodeLinks links) {
    this.address = address;
    this.context = context;
    this.client = client;
    this.bound = bound;
    this.memory = memory;
    this.metrics = metrics;
    this.links = links;
  }

  /**
   * Queues {@code packet} for this hop without waking the event loop ({@link #flush} does); drops
   * it as {@code dropped_unreachable} when this hop's queue is full, or when the node's next-hop
   * queues together hold their memory bound and this one holds a write's worth already (either way
   * next hops are not taking what they are sent). Any thread.
   */
  void offer(byte[] packet) {
    int before = queued.getAndIncrement();
    if (before >= bound) {
      queued.decrementAndGet();
      metrics.count(PacketResult.DROPPED_UNREACHABLE);
      return;
    }
    // A queue holding less than one write always takes one more: a live hop's queue empties at
    // every write, so dead hops filling the budget never starve it, and the budget is passed by at
    // most one write per queue.
    if ((long) before * packet.length < BATCH_BYTES) {
      memory.take(packet.length);
    } else if (!memory.tryTake(packet.length)) {
      queued.decrementAndGet();
      metrics.count(PacketResult.DROPPED_UNREACHABLE);
      return;
    }
    queue.add(packet);
  }

  /**
   * Writes what is queued: at once when called on the link's own event-loop thread (a {@link
   * PacketLoop} flushing its own links: no hand-off at all), else by waking that loop once for a
   * whole batch of offers (waking an event loop per packet costs more than writing the packet).
   */
  void flush() {
    if (context.nettyEventLoop().inEventLoop()) {
      drain();
    } else {
      scheduleDrain();
    }
  }

  int queued() {
    return queued.get();
  }

  /**
   * Keeps this link open from now on ({@code true}: opened at once if it is not), or lets it be
   * opened on demand only, as for a hop the topology no longer names ({@code false}: an open link
   * stays open while packets still go to it). Any thread.
   */
  void keepOpen(boolean keep) {
    kept = keep;
    if (keep) {
      context.runOnContext(v -> resume());
    }
  }

  /** Closes the connection and discards the queue; returns how many packets were discarded. */
  int close() {
    context.runOnContext(
        v -> {
          closed = true;
          if (socket != null) {
            socket.close();
          }
        });
    int dropped = 0;
    long bytes = 0;
    byte[] packet;
    while ((packet = queue.poll()) != null) {
      dropped++;
      bytes += packet.length;
    }
    queued.addAndGet(-dropped);
    memory.release(bytes);
    return dropped;
  }

  private void scheduleDrain() {
    // One pending drain task at a time, however many threads enqueue.
    if (drainScheduled.compareAndSet(false, true)) {
      context.runOnContext(
          v -> {
            drainScheduled.set(false);
            drain();
          });
    }
  }

  private void drain() {
    if (closed || queue.isEmpty()) {
      return;
    }
    if (socket == null) {
      connect();
      return;
    }
    NetSocketInternal out = (NetSocketInternal) socket;
    ByteBufAllocator allocator = out.channelHandlerContext().alloc();
    ByteBuf batch = null;
    int packets = 0;
    boolean full = socket.writeQueueFull();
    byte[] packet;
    // poll, never peek-then-poll: close() may empty the queue from another thread.
    while (!full && (packet = queue.poll()) != null) {
      int frame = PacketFramer.LENGTH_BYTES + packet.length;
      if (batch != null && batch.writableBytes() < frame) {
        write(out, batch, packets);
        batch = null;
        packets = 0;
        full = socket.writeQueueFull(); // checked per write: it only changes when we write
      }
      if (batch == null) {
        // Straight into a pooled direct buffer: one copy per packet. A heap buffer would be copied
        // into a direct one again by Netty before the syscall.
        batch = allocator.directBuffer(Math.max(BATCH_BYTES, frame));
      }
      batch.writeInt(packet.length).writeBytes(packet);
      packets++;
    }
    if (batch != null) {
      write(out, batch, packets);
    }
    if (!queue.isEmpty()) {
      // The socket's write buffer is full: resume when it drains, not before.
      NetSocket blocked = socket;
      blocked.drainHandler(
          v -> {
            blocked.drainHandler(null);
            drain();
          });
    }
  }

  private void write(NetSocketInternal out, ByteBuf batch, int packets) {
    queued.addAndGet(-packets);
    memory.release(batch.readableBytes() - (long) packets * PacketFramer.LENGTH_BYTES);
    backoffMillis = MIN_BACKOFF_MILLIS;
    metrics.count(PacketResult.FORWARDED, packets);
    metrics.bytesOut(batch.readableBytes());
    out.writeMessage(batch, null); // Netty releases the buffer once written
  }

  private void connect() {
    if (connecting) {
      return;
    }
    long wait = nextAttemptNanos - System.nanoTime();
    if (wait > 0) {
      return; // a retry timer is already set
    }
    connecting = true;
    client
        .connect(address.port(), address.host())
        .onComplete(
            ar -> {
              connecting = false;
              if (ar.succeeded()) {
                onConnected(ar.result());
              } else {
                LOG.debugf("next hop %s unreachable: %s", address, ar.cause().getMessage());
                metrics.linkFailure();
                links.failedOutbound(address, ar.cause());
                retryLater();
              }
            });
  }

  private void onConnected(NetSocket connected) {
    if (closed) {
      connected.close();
      return;
    }
    if (!links.reachedListedNode(address, connected)) {
      // A node of the topology, but not the one listed here (a stale address, a relay holding
      // another node's key): not one packet goes to it. Retried later: the topology may move.
      connected.close();
      metrics.linkFailure();
      retryLater();
      return;
    }
    // The backoff is reset once packets are written (write), not here: a peer that closes each
    // link at once (a topology it has not loaded yet) is retried ever more slowly, not every 50 ms.
    socket = connected;
    NodeLinks.usePooledBuffers(connected);
    metrics.outboundConnections().incrementAndGet();
    LOG.debugf("connected to next hop %s", address);
    // Next hops never send on this connection; anything that arrives is ignored.
    connected.handler(ignored -> {});
    connected.exceptionHandler(e -> LOG.debugf("next hop %s: %s", address, e.getMessage()));
    connected.closeHandler(
        v -> {
          metrics.outboundConnections().decrementAndGet();
          if (socket == connected) {
            socket = null;
          }
          if (!closed && (kept || !queue.isEmpty())) {
            retryLater();
          }
        });
    drain();
  }

  private void retryLater() {
    long delay = backoffMillis;
    backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
    nextAttemptNanos = System.nanoTime() + delay * 1_000_000;
    context.owner().setTimer(delay, id -> resume());
  }

  /** After a wait: writes what is queued, or reopens a kept link that has nothing to write. */
  private void resume() {
    drain();
    if (kept && !closed && socket == null) {
      connect();
    }
  }
}
