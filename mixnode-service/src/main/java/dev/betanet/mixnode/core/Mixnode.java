package dev.betanet.mixnode.core;

import dev.betanet.protocol.link.NextLayer;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * One mixnode: packet server, packet loops (one per core, each reading, processing, delaying and
 * writing its own connections' packets) and forwarder over one Vert.x instance. Plain Java, so a
 * test can run several on one Vertx; the Quarkus service only wires it up.
 *
 * <p>Lifecycle: {@link #start()} loads the files and binds the port once they verify; {@link
 * #stop()} stops accepting, forwards what falls due within the drain time and counts the rest.
 */
public final class Mixnode {

  private static final Logger LOG = Logger.getLogger(Mixnode.class);

  /**
   * The timestamp quantum senders round down to (PacketBuilder's default): a packet made now may be
   * stamped up to this much in the past.
   */
  static final long SENDER_TIMESTAMP_QUANTUM_MILLIS = 10_000;

  private final Vertx vertx;
  private final MixnodeSettings settings;
  private final MixnodeMetrics metrics;
  private final NodeStateWatcher watcher;
  private final Forwarder forwarder;
  private final Pipeline pipeline;
  private final PacketServer server;
  private final CoverEmitter cover;
  private final NodeLinks links;
  private final long readyFromMillis;
  private final Object lifecycle = new Object();
  private volatile int boundPort = -1;
  private volatile boolean stopping;
  private Future<Integer> listening;

  public Mixnode(
      Vertx vertx,
      MixnodeSettings settings,
      HopProcessorFactory processors,
      CoverEmitter.PacketSource coverSource,
      MeterRegistry registry) {
    this(vertx, settings, processors, coverSource, registry, null);
  }

  /**
   * @param stateDir the node's writable state directory, or null: the last accepted topology is
   *     kept there, so that after a restart an older document is refused (docs/mixnode.md)
   */
  public Mixnode(
      Vertx vertx,
      MixnodeSettings settings,
      HopProcessorFactory processors,
      CoverEmitter.PacketSource coverSource,
      MeterRegistry registry,
      Path stateDir) {
    this.vertx = vertx;
    this.settings = settings;
    this.metrics = new MixnodeMetrics(registry);
    this.watcher = new NodeStateWatcher(vertx, settings, processors, stateDir, this::applied);
    this.links = new NodeLinks(settings.nodeId(), watcher::current, metrics);
    this.forwarder =
        new Forwarder(vertx, settings.nextHopQueue(), settings.nextHopBytes(), metrics, links);
    this.pipeline = new Pipeline(vertx, watcher::current, settings, forwarder, metrics);
    this.server =
        new PacketServer(
            vertx, () -> watcher.current().packetSize(), pipeline.loops(), metrics, links);
    this.cover = new CoverEmitter(vertx, watcher::current, coverSource, pipeline, metrics);
    metrics.rejectedReloads(watcher::rejectedUpdates);
    metrics.rejectedReloadsByReason(watcher::rejectedUpdates);
    // Not ready while packets made now would still be refused as stamped before this process.
    long acceptsFrom = processors.acceptsStampsFromMillis();
    this.readyFromMillis =
        acceptsFrom == Long.MIN_VALUE
            ? Long.MIN_VALUE
            : acceptsFrom + SENDER_TIMESTAMP_QUANTUM_MILLIS;
  }

  /**
   * Starts watching the files; binds the packet port once keys and a verified topology are loaded.
   * The future holds the bound port.
   */
  public Future<Integer> start() {
    return watcher.start().compose(state -> listenUnlessStopping()).compose(this::goLive);
  }

  /**
   * A newly accepted key/topology state: new links use its identity and pins, old ones re-judged,
   * and the links to the hops it names are opened now, ahead of any packet.
   */
  private void applied(ActiveState state) {
    links.apply(state);
    server.recheck(links.inboundPeers());
    forwarder.keepOpen(
        pipeline.loops().stream().map(PacketLoop::context).toList(),
        NextLayer.fromMixnode(state.topology(), settings.nodeId()).stream()
            .map(RoutingTable.Address::parse)
            .collect(Collectors.toSet()));
  }

  /**
   * A {@link #stop()} came before the node was listening: it never starts (a pod deleted while it
   * was starting). Not an error.
   */
  public static final class StoppedBeforeStarted extends IllegalStateException {
    StoppedBeforeStarted(String nodeId) {
      super("mixnode " + nodeId + " was stopped before it had started");
    }
  }

  // Under the lifecycle lock, so a stop either comes first (nothing is bound or started) or sees
  // the bind in flight and closes the server after it.
  private Future<Integer> listenUnlessStopping() {
    synchronized (lifecycle) {
      if (stopping) {
        return Future.failedFuture(new StoppedBeforeStarted(settings.nodeId()));
      }
      listening = server.listen(settings.host(), settings.port());
      return listening;
    }
  }

  private Future<Integer> goLive(int port) {
    synchronized (lifecycle) {
      if (stopping) {
        return Future.failedFuture(new StoppedBeforeStarted(settings.nodeId()));
      }
      boundPort = port;
      cover.start();
    }
    LOG.infof(
        "mixnode %s listening on %s:%d (%d packet loops; crypto queue at most %d packets and %d"
            + " MiB; delay pool at most %d packets and %d MiB; next-hop queues at most %d packets"
            + " per loop and hop and %d MiB in all)",
        settings.nodeId(),
        settings.host(),
        port,
        pipeline.loops().size(),
        settings.cryptoQueue(),
        settings.cryptoQueueBytes() >> 20,
        settings.delayPool(),
        settings.delayPoolBytes() >> 20,
        settings.nextHopQueue(),
        settings.nextHopBytes() >> 20);
    return Future.succeededFuture(port);
  }

  /**
   * Graceful stop; see the class comment. Completes when everything is closed. Safe at any point of
   * {@link #start()}: a start still loading files never binds, a bind in flight is closed.
   */
  public Future<Void> stop() {
    Future<Integer> bind;
    synchronized (lifecycle) {
      stopping = true;
      cover.stop();
      watcher.stop();
      bind = listening;
    }
    long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
    // Close the server once a bind in flight has settled, bound or not.
    Future<Void> bound =
        bind == null
            ? Future.succeededFuture()
            : bind.<Void>mapEmpty().recover(e -> Future.succeededFuture());
    return bound
        .compose(v -> server.close())
        .compose(v -> pipeline.drain(settings.drainTimeout()))
        .compose(
            v ->
                forwarder.drainAndClose(
                    Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))))
        .onComplete(ar -> LOG.infof("mixnode %s stopped", settings.nodeId()));
  }

  /**
   * Ready: keys and a verified topology are loaded, the packet port is bound, and packets senders
   * make now carry timestamps this process accepts (about 15 s after a start: docs/mixnode.md,
   * Restarts and replays).
   */
  public boolean isReady() {
    return !stopping
        && boundPort > 0
        && watcher.current() != null
        && System.currentTimeMillis() >= readyFromMillis;
  }

  /** Live unless packets are waiting and nothing has moved for the configured time. */
  public boolean isLive() {
    return !pipeline.isStuck(settings.stuckAfter());
  }

  /**
   * When this node becomes ready at the earliest (ms since the Unix epoch): once packets made now
   * pass the restart replay guard; {@link Long#MIN_VALUE} without one.
   */
  public long readyFromMillis() {
    return readyFromMillis;
  }

  /** The bound packet port, or -1 before binding. */
  public int port() {
    return boundPort;
  }

  public MixnodeMetrics metrics() {
    return metrics;
  }

  /** The state in force, or null before the files first loaded. */
  public ActiveState state() {
    return watcher.current();
  }

  /** Key or topology updates refused since start. */
  public long rejectedUpdates() {
    return watcher.rejectedUpdates();
  }

  public int delayPoolSize() {
    return pipeline.delayPoolSize();
  }

  /** The packet loops (tests look at how connections and held packets spread over them). */
  List<PacketLoop> loops() {
    return pipeline.loops();
  }
}
