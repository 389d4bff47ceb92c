package dev.betanet.router;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.link.NextLayer;
import dev.betanet.protocol.node.NodeFiles;
import dev.betanet.protocol.packet.OutgoingPacket;
import dev.betanet.protocol.packet.ProcessResult;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.replay.SinceStartReplayFilter;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.connect.FallbackStreams;
import dev.betanet.router.connect.MixnetStreams;
import dev.betanet.router.connect.Socks5Server;
import dev.betanet.router.connect.StreamDispatcher;
import dev.betanet.router.entry.CoverTraffic;
import dev.betanet.router.entry.LinkSuspicion;
import dev.betanet.router.entry.MixnetClient;
import dev.betanet.router.entry.PathSelector;
import dev.betanet.router.entry.SuspectNodes;
import dev.betanet.router.exit.BackendCaller;
import dev.betanet.router.exit.ExitHandler;
import dev.betanet.router.packet.PacketLinks;
import dev.betanet.router.packet.PacketReceiver;
import dev.betanet.router.packet.RouterLinks;
import dev.betanet.router.packet.SendQueue;
import dev.betanet.router.proxy.ProxyServer;
import dev.betanet.router.split.CanarySplit;
import dev.betanet.router.split.FlowDispatcher;
import dev.betanet.router.state.PacketKeys;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterSettings;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.stream.StreamMetrics;
import dev.betanet.router.tcpexit.HttpStreamBackends;
import dev.betanet.router.tcpexit.StreamExit;
import dev.betanet.router.tcpexit.TcpBackends;
import dev.betanet.router.tunnel.TunnelClient;
import dev.betanet.router.tunnel.TunnelServer;
import dev.betanet.router.wire.Envelope;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

/**
 * One router: entry (proxy port, {@link MixnetClient}) and exit ({@link ExitHandler}, {@link
 * BackendCaller}) over one packet port, with its keys and topology reloaded live through {@link
 * NodeFiles}. Plain Vert.x: tests start several in one JVM; Quarkus only wires it.
 */
public final class Router {

  private static final System.Logger LOG = System.getLogger(Router.class.getName());

  /**
   * The timestamp quantum senders round down to (PacketBuilder's default): a packet made now may be
   * stamped up to this much in the past.
   */
  static final long SENDER_TIMESTAMP_QUANTUM_MILLIS = 10_000;

  private final Vertx vertx;
  private final RouterSettings settings;
  private final AtomicReference<RouterState> state = new AtomicReference<>();
  private final NodeFiles files;
  private final SinceStartReplayFilter replayFilter;
  private final long readyFromMillis;
  private final X25519 x25519 = X25519.bestAvailable();
  private final PacketKeys packetKeys = new PacketKeys(x25519);
  private final SecureRandom random = new SecureRandom();
  private final RouterMetrics metrics;
  private final PacketLinks links;
  private final RouterLinks routerLinks;
  private final SendQueue sendQueue;
  private final SuspectNodes suspects;
  private final MixnetClient client;
  private final BackendCaller backend;
  private final ExitHandler exit;
  private final PacketReceiver receiver;
  private final TunnelClient tunnelClient;
  private final TunnelServer tunnelServer;
  private final ProxyServer proxy;
  private final MixnetStreams streams;
  private final FallbackStreams fallbackStreams;
  private final StreamExit streamExit;
  private final Socks5Server socks;
  private volatile int socksPort;
  private volatile boolean ready;
  private volatile int proxyPort;
  private volatile int packetPort;
  private volatile int tunnelPort;
  private long pollTimer = -1;

  public Router(Vertx vertx, RouterSettings settings, MeterRegistry registry) {
    this(vertx, settings, registry, new SecureRandom());
  }

  /**
   * @param splitRandom the canary split's draw; tests pass a seeded one to check the share against
   *     fixed bounds
   */
  public Router(
      Vertx vertx, RouterSettings settings, MeterRegistry registry, RandomGenerator splitRandom) {
    this(vertx, settings, registry, splitRandom, null);
  }

  /**
   * @param stateDir the router's writable state directory, or null: the last accepted topology is
   *     kept there, so that after a restart an older document is refused (docs/router.md)
   */
  public Router(
      Vertx vertx,
      RouterSettings settings,
      MeterRegistry registry,
      RandomGenerator splitRandom,
      Path stateDir) {
    this.vertx = vertx;
    this.settings = settings;
    this.files =
        new NodeFiles(
            settings.nodeId(),
            settings.keysFile(),
            settings.topologyFile(),
            stateDir,
            (previous, next) -> apply(next));
    // The router peels the last layer of requests (exit) and replies (entry). Its Bloom filter is
    // in memory, so a packet captured before a restart would be peeled again after it: the exit
    // would call its backend and answer a second time, linking the replayed input to its output.
    // Refuse what this process cannot vouch for, as the mixnode does (docs/protocol.md, Restarts).
    this.replayFilter =
        new SinceStartReplayFilter(
            BloomReplayFilter.forRate(ReplayWindow.DEFAULT, 20_000),
            ReplayWindow.DEFAULT,
            InstantSource.system());
    this.readyFromMillis = replayFilter.acceptsFromMillis() + SENDER_TIMESTAMP_QUANTUM_MILLIS;
    this.metrics = new RouterMetrics(registry, this::canaryWeight, this::inFlight);
    metrics.rejectedReloads(this::rejectedReloads);
    metrics.rejectedReloadsByReason(files::rejectedUpdates);
    this.suspects = new SuspectNodes(Duration.ofSeconds(30), System::currentTimeMillis);
    this.routerLinks = new RouterLinks(state::get, metrics);
    this.links =
        new PacketLinks(
            vertx,
            4096,
            new LinkSuspicion(
                () -> Optional.ofNullable(state.get()).map(RouterState::topology).orElse(null),
                suspects),
            routerLinks);
    var paths = new PathSelector(random, suspects);
    // Every packet this router emits, in both roles, takes a slot of one send queue.
    this.sendQueue =
        new SendQueue(
            settings.nodeId(),
            links,
            this::sendRate,
            settings.limits().sendQueuePackets(),
            new CoverTraffic(state::get, paths, random),
            metrics,
            random);
    this.client =
        new MixnetClient(vertx, state::get, sendQueue, paths, suspects, settings, metrics, random);
    this.backend =
        new BackendCaller(
            vertx,
            settings.services(),
            settings.backendTimeout().toMillis(),
            settings.maxBodyBytes());
    this.exit =
        new ExitHandler(
            this::sendReply,
            (millis, task) -> vertx.setTimer(millis, t -> task.run()),
            backend,
            metrics,
            exitBounds(settings),
            System::currentTimeMillis);
    this.receiver =
        new PacketReceiver(
            vertx, state::get, new Dispatch(), settings.cryptoThreads(), routerLinks);
    this.tunnelClient = new TunnelClient(vertx, state::get, settings, metrics, random);
    this.streamExit =
        new StreamExit(
            vertx,
            new TcpBackends(settings.tcpPorts()),
            new HttpStreamBackends(
                vertx,
                settings.services(),
                settings.bodies().maxBodyBytes(),
                settings.backendTimeout().toMillis()),
            this::sendReply,
            sendQueue::drainMillis,
            state::get,
            settings.streams(),
            metrics,
            registry);
    this.tunnelServer =
        new TunnelServer(
            vertx,
            state::get,
            backend,
            metrics,
            settings.maxMessageBytes(),
            settings.limits(),
            random,
            streamExit);
    var split = new CanarySplit(this::canaryWeight, splitRandom);
    var dispatcher =
        new FlowDispatcher(
            settings.nodeId(), state::get, client::send, tunnelClient::send, metrics);
    var entryStreamMetrics = new StreamMetrics(registry, "entry");
    this.streams =
        new MixnetStreams(
            vertx,
            state::get,
            sendQueue,
            paths,
            suspects,
            settings.streams(),
            metrics,
            entryStreamMetrics,
            random);
    this.fallbackStreams =
        new FallbackStreams(
            vertx,
            state::get,
            tunnelClient,
            settings.streams(),
            metrics,
            entryStreamMetrics,
            random);
    var streamDispatcher =
        new StreamDispatcher(
            streams,
            fallbackStreams,
            entryStreamMetrics,
            metrics,
            () ->
                Optional.ofNullable(state.get())
                    .map(s -> s.topology().canary().fallbackPolicy())
                    .orElse(Topology.FallbackPolicy.STRICT));
    this.proxy = new ProxyServer(vertx, split, dispatcher, streamDispatcher, metrics, settings);
    this.socks = new Socks5Server(vertx, split, streamDispatcher, settings.streams());
  }

  /** The topology's slot rate (packets per second); 0, unpaced, until a topology is loaded. */
  private long sendRate() {
    RouterState current = state.get();
    return current == null ? 0 : SendQueue.slotRate(current.topology().mixing());
  }

  /**
   * The exit's bounds (docs/router.md, "Exit bounds"): requests are remembered twice as long as
   * this router's own entries wait, so an entry configured alike cannot ask about a forgotten one.
   */
  static ExitHandler.Bounds exitBounds(RouterSettings settings) {
    return new ExitHandler.Bounds(
        16_384,
        settings.maxMessageBytes() / 1000 + 16,
        1000,
        2 * settings.requestTimeout().toMillis(),
        64L << 20,
        64L << 20,
        4096);
  }

  /**
   * Makes the state for files {@link NodeFiles} verified, as the mixnode does: when it cannot be
   * built the update is rejected, counted ({@code betanet_router_reload_rejected}) and logged, the
   * last good state stays in force, and the next change of either file is tried against it.
   */
  private void apply(NodeFiles.State next) {
    // A RouterState that cannot be built throws: NodeFiles then rejects the update (counted,
    // logged, the last good state stays and the next change is checked against it).
    RouterState built = new RouterState(next, replayFilter, x25519, random, packetKeys);
    state.set(built);
    // New links present this identity and use this topology's pins; open ones are re-judged.
    routerLinks.apply(built);
    receiver.recheck();
    // Links to the first layer open now, not on a packet: no request waits for a handshake.
    links.keepOpen(NextLayer.fromRouter(built.topology()));
  }

  /** Updates refused: a bad file, or one no state could be built for. */
  private long rejectedReloads() {
    return files.rejectedUpdates();
  }

  private int inFlight() {
    return client.inFlight() + tunnelClient.inFlight();
  }

  /** The weight of the topology in force; 0 (everything on the tunnel) until one is loaded. */
  private int canaryWeight() {
    RouterState current = state.get();
    return current == null ? 0 : current.topology().canary().weight();
  }

  /** Loads the files (waiting for them if absent), binds the ports, starts polling and cover. */
  public Future<Void> start() {
    pollTimer =
        vertx.setPeriodic(
            0,
            settings.reloadInterval().toMillis(),
            t ->
                vertx
                    .executeBlocking(files::poll, false)
                    .onFailure(
                        e ->
                            LOG.log(
                                System.Logger.Level.WARNING,
                                "router {0}: polling the key and topology files failed: {1}",
                                settings.nodeId(),
                                e.toString())));
    return waitForState()
        .compose(
            v ->
                bound(
                    "packet",
                    settings.packetPort(),
                    receiver.listen(settings.host(), settings.packetPort())))
        .compose(
            port -> {
              packetPort = port;
              return bound(
                  "tunnel",
                  settings.tunnelPort(),
                  tunnelServer.listen(settings.host(), settings.tunnelPort()));
            })
        .compose(
            port -> {
              tunnelPort = port;
              return bound(
                  "proxy",
                  settings.proxyPort(),
                  proxy.listen(settings.host(), settings.proxyPort()));
            })
        .compose(
            port -> {
              proxyPort = port;
              return bound(
                  "SOCKS",
                  settings.socksPort(),
                  socks.listen(settings.host(), settings.socksPort()));
            })
        .map(
            port -> {
              socksPort = port;
              sendQueue.start();
              ready = true;
              LOG.log(
                  System.Logger.Level.INFO,
                  "router {0}: proxy port {1,number,#}, packet port {2,number,#}, tunnel port"
                      + " {3,number,#}, SOCKS port {5,number,#}, hosting {4}; refusing packets"
                      + " stamped before {6} (ready from {7})",
                  settings.nodeId(),
                  proxyPort,
                  packetPort,
                  tunnelPort,
                  settings.services().keySet(),
                  port,
                  Instant.ofEpochMilli(replayFilter.acceptsFromMillis()),
                  Instant.ofEpochMilli(readyFromMillis));
              return null;
            });
  }

  /**
   * A port being bound, its failure naming the port: the operating system's "Address already in
   * use" alone does not say which of the router's four ports it was.
   */
  private Future<Integer> bound(String name, int port, Future<Integer> listening) {
    return listening.recover(
        e ->
            Future.failedFuture(
                new java.io.IOException(
                    "cannot bind the "
                        + name
                        + " port "
                        + settings.host()
                        + ":"
                        + port
                        + ": "
                        + e.getMessage(),
                    e)));
  }

  private Future<Void> waitForState() {
    if (state.get() != null) {
      return Future.succeededFuture();
    }
    var promise = io.vertx.core.Promise.<Void>promise();
    vertx.setPeriodic(
        100,
        t -> {
          if (state.get() != null) {
            vertx.cancelTimer(t);
            promise.tryComplete();
          }
        });
    return promise.future();
  }

  private void sendReply(OutgoingPacket packet) {
    String address = state.get().addressOf(packet.firstHop());
    if (address == null) {
      metrics.refused("unroutable_reply");
      return;
    }
    // A reply the queue refuses is counted there; the entry's next round makes it go out again.
    sendQueue.send(address, packet.packet());
  }

  /** Routes peeled packets to the exit or the entry role. */
  private final class Dispatch implements PacketReceiver.Sink {
    @Override
    public void deliver(RouterState current, ProcessResult.Deliver deliver) {
      if (Envelope.isStream(deliver.message())) {
        streamExit.onForward(current, deliver.message());
      } else {
        exit.onForward(current, deliver.message(), settings.maxMessageBytes());
      }
    }

    @Override
    public void reply(RouterState current, ProcessResult.ReplyDelivery reply) {
      if (!streams.onReply(reply)) {
        client.onReply(current, reply);
      }
    }

    @Override
    public void refused(String reason) {
      metrics.refused(reason);
    }
  }

  /**
   * Ready: keys and a verified topology loaded, all three ports bound, and packets made now carry
   * timestamps this process accepts (about 15 s after a start; before that its own SURBs and the
   * requests of other entries would be refused as stamped before the start).
   */
  public boolean isReady() {
    return ready && state.get() != null && System.currentTimeMillis() >= readyFromMillis;
  }

  /**
   * When this router becomes ready at the earliest (ms since the Unix epoch): once packets made now
   * pass the restart replay guard.
   */
  public long readyFromMillis() {
    return readyFromMillis;
  }

  public int proxyPort() {
    return proxyPort;
  }

  public int packetPort() {
    return packetPort;
  }

  public int tunnelPort() {
    return tunnelPort;
  }

  public int socksPort() {
    return socksPort;
  }

  /** The document served at {@code /api/v1/status}. */
  public JsonObject status() {
    RouterState current = state.get();
    var json =
        new JsonObject()
            .put("nodeId", settings.nodeId())
            .put("ready", isReady())
            .put("inFlightRequests", inFlight())
            .put("openFlows", proxy.flows())
            .put("proxyAdmittedRequests", proxy.admitted())
            .put("proxyPendingBodyBytes", proxy.pendingBodyBytes())
            .put("tunnelsOut", tunnelClient.tunnels())
            .put("tunnelsIn", tunnelServer.connections())
            .put("tunnelHandshakesIn", tunnelServer.handshaking())
            .put("socksConnections", socks.connections())
            .put("streamsEntry", streams.held() + fallbackStreams.held())
            .put("streamRoundTripMillis", streams.longestRoundTripMillis())
            .put("streamsExit", streamExit.held())
            .put("suspectNodes", new JsonArray(suspects.current().stream().sorted().toList()));
    if (current == null) {
      return json;
    }
    Topology topology = current.topology();
    JsonArray layers = new JsonArray();
    for (Topology.Layer layer : topology.layers()) {
      long healthy = layer.mixnodes().stream().filter(Topology.MixnodeEntry::healthy).count();
      layers.add(
          new JsonObject()
              .put("index", layer.index())
              .put("mixnodes", layer.mixnodes().size())
              .put("healthy", healthy));
    }
    return json.put("topologyEpoch", topology.epoch())
        .put("canaryWeight", topology.canary().weight())
        .put(
            "fallbackPolicy",
            topology.canary().fallbackPolicy().name().toLowerCase(java.util.Locale.ROOT))
        .put("layers", layers)
        .put("exitRequestsRemembered", exit.remembered())
        .put("packetsDroppedOnLinks", links.dropped())
        .put("packetLinksOpen", links.open())
        .put("sendQueuePackets", sendQueue.depth())
        .put("sendRatePerSecond", SendQueue.slotRate(topology.mixing()))
        .put("meanDelayMillis", topology.mixing().meanDelayMillis());
  }

  public Future<Void> stop() {
    ready = false;
    sendQueue.stop();
    vertx.cancelTimer(pollTimer);
    streams.close();
    fallbackStreams.close();
    streamExit.close();
    return Future.join(
            proxy.close(),
            socks.close(),
            tunnelServer.close(),
            receiver.close(),
            tunnelClient.close(),
            backend.close())
        .onComplete(ar -> links.close())
        .mapEmpty();
  }
}
