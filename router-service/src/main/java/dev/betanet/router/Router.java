package dev.betanet.router;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.node.NodeFiles;
import dev.betanet.protocol.packet.OutgoingPacket;
import dev.betanet.protocol.packet.ProcessResult;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.entry.CoverTraffic;
import dev.betanet.router.entry.MixnetClient;
import dev.betanet.router.entry.PathSelector;
import dev.betanet.router.entry.SuspectNodes;
import dev.betanet.router.exit.BackendCaller;
import dev.betanet.router.exit.ExitHandler;
import dev.betanet.router.packet.PacketLinks;
import dev.betanet.router.packet.PacketReceiver;
import dev.betanet.router.packet.RouterLinks;
import dev.betanet.router.proxy.ProxyServer;
import dev.betanet.router.split.CanarySplit;
import dev.betanet.router.split.FlowDispatcher;
import dev.betanet.router.state.PacketKeys;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterSettings;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.tunnel.TunnelClient;
import dev.betanet.router.tunnel.TunnelServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

/**
 * One router: entry (proxy port, {@link MixnetClient}) and exit ({@link ExitHandler}, {@link
 * BackendCaller}) over one packet port, with its keys and topology reloaded live through {@link
 * NodeFiles}. Plain Vert.x: tests start several in one JVM; Quarkus only wires it.
 */
public final class Router {

  private static final System.Logger LOG = System.getLogger(Router.class.getName());

  private final Vertx vertx;
  private final RouterSettings settings;
  private final AtomicReference<RouterState> state = new AtomicReference<>();
  private final NodeFiles files;
  private final ReplayFilter replayFilter;
  private final X25519 x25519 = X25519.bestAvailable();
  private final PacketKeys packetKeys = new PacketKeys(x25519);
  private final SecureRandom random = new SecureRandom();
  private final RouterMetrics metrics;
  private final PacketLinks links;
  private final RouterLinks routerLinks;
  private final SuspectNodes suspects;
  private final MixnetClient client;
  private final BackendCaller backend;
  private final ExitHandler exit;
  private final PacketReceiver receiver;
  private final TunnelClient tunnelClient;
  private final TunnelServer tunnelServer;
  private final ProxyServer proxy;
  private final CoverTraffic cover;
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
    this.vertx = vertx;
    this.settings = settings;
    this.files =
        new NodeFiles(
            settings.nodeId(),
            settings.keysFile(),
            settings.topologyFile(),
            (previous, next) -> apply(next));
    this.replayFilter = BloomReplayFilter.forRate(ReplayWindow.DEFAULT, 20_000);
    this.metrics = new RouterMetrics(registry, this::canaryWeight, this::inFlight);
    metrics.rejectedReloads(this::rejectedReloads);
    this.suspects = new SuspectNodes(Duration.ofSeconds(30), System::currentTimeMillis);
    this.routerLinks = new RouterLinks(state::get, metrics);
    this.links = new PacketLinks(vertx, 4096, this::unreachable, routerLinks);
    var paths = new PathSelector(random, suspects);
    this.client =
        new MixnetClient(vertx, state::get, links, paths, suspects, settings, metrics, random);
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
    this.tunnelServer =
        new TunnelServer(
            vertx,
            state::get,
            backend,
            metrics,
            settings.maxMessageBytes(),
            settings.limits(),
            random);
    var split = new CanarySplit(this::canaryWeight, splitRandom);
    var dispatcher =
        new FlowDispatcher(
            settings.nodeId(), state::get, client::send, tunnelClient::send, metrics);
    this.proxy = new ProxyServer(vertx, split, dispatcher, metrics, settings);
    this.cover = new CoverTraffic(vertx, state::get, paths, links, metrics, random);
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
        .compose(v -> receiver.listen(settings.host(), settings.packetPort()))
        .compose(
            port -> {
              packetPort = port;
              return tunnelServer.listen(settings.host(), settings.tunnelPort());
            })
        .compose(
            port -> {
              tunnelPort = port;
              return proxy.listen(settings.host(), settings.proxyPort());
            })
        .map(
            port -> {
              proxyPort = port;
              cover.start();
              ready = true;
              LOG.log(
                  System.Logger.Level.INFO,
                  "router {0}: proxy port {1,number,#}, packet port {2,number,#}, tunnel port"
                      + " {3,number,#}, hosting {4}",
                  settings.nodeId(),
                  port,
                  packetPort,
                  tunnelPort,
                  settings.services().keySet());
              return null;
            });
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

  private void unreachable(String address) {
    RouterState current = state.get();
    if (current == null) {
      return;
    }
    // A first hop we cannot connect to is a node to avoid, without waiting for a timeout.
    current.topology().layers().stream()
        .flatMap(layer -> layer.mixnodes().stream())
        .filter(node -> node.address().equals(address))
        .forEach(node -> suspects.unanswered(java.util.List.of(node.id()), Long.MAX_VALUE));
  }

  private void sendReply(OutgoingPacket packet) {
    String address = state.get().addressOf(packet.firstHop());
    if (address == null) {
      metrics.refused("unroutable_reply");
      return;
    }
    links.send(address, packet.packet());
  }

  /** Routes peeled packets to the exit or the entry role. */
  private final class Dispatch implements PacketReceiver.Sink {
    @Override
    public void deliver(RouterState current, ProcessResult.Deliver deliver) {
      exit.onForward(current, deliver.message(), settings.maxMessageBytes());
    }

    @Override
    public void reply(RouterState current, ProcessResult.ReplyDelivery reply) {
      client.onReply(current, reply);
    }

    @Override
    public void refused(String reason) {
      metrics.refused(reason);
    }
  }

  /** Ready: keys and a verified topology loaded, all three ports bound. */
  public boolean isReady() {
    return ready && state.get() != null;
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
        .put("packetsDroppedOnLinks", links.dropped());
  }

  public Future<Void> stop() {
    ready = false;
    cover.stop();
    vertx.cancelTimer(pollTimer);
    return Future.join(
            proxy.close(),
            tunnelServer.close(),
            receiver.close(),
            tunnelClient.close(),
            backend.close())
        .onComplete(ar -> links.close())
        .mapEmpty();
  }
}
