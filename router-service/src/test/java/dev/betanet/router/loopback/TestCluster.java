package dev.betanet.router.loopback;

import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.node.LoopbackPorts;
import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.NodeKeysFile;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.TopologySigner;
import dev.betanet.router.Router;
import dev.betanet.router.state.RouterSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A whole mixnet on loopback: real mixnode processes started from the mixnode-service jar (so the
 * test exercises the real thing, over real sockets), plus an entry and an exit {@link Router} in
 * this JVM, and the key files and signed topology the operator would write. Ports are chosen up
 * front because the topology must name them before anything binds.
 */
final class TestCluster implements AutoCloseable {

  static final Path MIXNODE_JAR =
      Path.of("..", "mixnode-service", "target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
  static final SecureRandom RANDOM = new SecureRandom();
  static final dev.betanet.protocol.topology.Key32 RANDOM_OPERATOR_KEY =
      Ed25519Keys.publicOf(Ed25519Keys.generatePrivate(RANDOM));

  final Vertx vertx = Vertx.vertx();
  final Path dir;
  final TopologySigner signer = new TopologySigner(Ed25519Keys.generatePrivate(RANDOM));
  final int layers;
  final int perLayer;
  final long meanDelayMillis;
  final List<NodeKeys> mixKeys = new ArrayList<>();
  final List<Integer> mixPorts = new ArrayList<>();
  final List<Process> mixProcesses = new ArrayList<>();
  final NodeKeys entryKeys = NodeKeys.generate("router-entry", signer.publicKey(), 1, RANDOM);
  final NodeKeys exitKeys = NodeKeys.generate("router-exit", signer.publicKey(), 1, RANDOM);
  final int entryPacketPort = LoopbackPorts.reserve();

  /** Every packet of the loopback topology, in bytes. */
  static final int PACKET_SIZE = 2048;

  final int exitPacketPort = LoopbackPorts.reserve();
  final int entryTunnelPort = LoopbackPorts.reserve();
  final int exitTunnelPort = LoopbackPorts.reserve();
  final List<Integer> mixManagementPorts = new ArrayList<>();
  final java.util.Set<String> unhealthy = java.util.concurrent.ConcurrentHashMap.newKeySet();
  volatile int canaryWeight = 100;
  volatile Topology.FallbackPolicy fallbackPolicy = Topology.FallbackPolicy.STRICT;

  /** The bounds each router starts with; tests of the bounds set them small. */
  RouterSettings.Limits entryLimits = RouterSettings.Limits.DEFAULTS;

  RouterSettings.Limits exitLimits = RouterSettings.Limits.DEFAULTS;

  /**
   * Both routers' request timeout and rounds; a test that outlasts an exit restart, or a benchmark
   * of large buffered bodies, raises them.
   */
  Duration requestTimeout = Duration.ofSeconds(20);

  int maxAttempts = 6;

  /** The exit's declared TCP ports (name → port → tcp://host:port); stream tests set them. */
  Map<String, Map<Integer, String>> exitTcpPorts = Map.of();

  /** Both routers' stream bounds. */
  dev.betanet.router.state.StreamSettings streamSettings =
      dev.betanet.router.state.StreamSettings.DEFAULTS;

  /** Both routers' largest buffered body (a benchmark of the buffered path raises it). */
  int maxBodyBytes = 256 * 1024;

  /**
   * Both routers' large-body streaming (threshold, largest streamed body). No declared length
   * streams by default, so the tests of the buffered path and its 413 keep it; LargeBodyCases sets
   * its own.
   */
  dev.betanet.router.state.BodyStreaming bodies =
      new dev.betanet.router.state.BodyStreaming(Integer.MAX_VALUE, 64L << 20);

  /** The entry's canary draw; null for a SecureRandom. */
  java.util.random.RandomGenerator entrySplitRandom;

  final List<Router> routers = new ArrayList<>();
  final PrometheusMeterRegistry entryMetrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final PrometheusMeterRegistry exitMetrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  long epoch = 1;
  long coverMeanIntervalMillis;

  /**
   * The routers' send rate: paced, so every loopback test goes through the send queue with cover in
   * its empty slots. Half the default: the cover of two routers and its forwarding by every mixnode
   * is CPU a small shared machine has to spare while six mixnode JVMs start, and the bulk tests
   * still take seconds; a test of the rate sets its own.
   */
  long sendRatePerSecond = 50;

  /** Link observers in front of mixnodes, by node number: the topology names the tap's port. */
  final Map<Integer, TlsRecordTap> taps = new java.util.HashMap<>();

  Router entry;
  Router exit;

  TestCluster(int layers, int perLayer, long meanDelayMillis) throws IOException {
    this.layers = layers;
    this.perLayer = perLayer;
    this.meanDelayMillis = meanDelayMillis;
    this.dir = Files.createTempDirectory("router-test");
    for (int i = 0; i < layers * perLayer; i++) {
      mixKeys.add(NodeKeys.generate("mix-" + i, signer.publicKey(), 1, RANDOM));
      mixPorts.add(LoopbackPorts.reserve());
    }
  }

  /**
   * Mixnode processes started in this JVM and not yet stopped. A test JVM stopped before its
   * clusters close (a surefire timeout, Ctrl-C) would otherwise leave them running, holding their
   * ports and a core each; seen here after test runs were interrupted.
   */
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly)));
  }

  /**
   * Puts a {@link TlsRecordTap} in front of a mixnode: whoever follows the topology sends to it.
   * Call before {@link #start}.
   */
  TlsRecordTap tap(int layer, int index) throws IOException {
    int n = layer * perLayer + index;
    TlsRecordTap tap = new TlsRecordTap(mixPorts.get(n), PACKET_SIZE);
    taps.put(n, tap);
    return tap;
  }

  /** The real address behind a tapped node's topology address, for a test that must bypass it. */
  String untapped(String address) {
    for (var tap : taps.entrySet()) {
      if (address.equals("127.0.0.1:" + tap.getValue().port())) {
        return "127.0.0.1:" + mixPorts.get(tap.getKey());
      }
    }
    return address;
  }

  String mixId(int layer, int index) {
    return "mix-" + (layer * perLayer + index);
  }

  Topology topology() {
    List<Topology.Layer> layerList = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      List<Topology.MixnodeEntry> nodes = new ArrayList<>();
      for (int i = 0; i < perLayer; i++) {
        int n = l * perLayer + i;
        NodeKeys keys = mixKeys.get(n);
        nodes.add(
            new Topology.MixnodeEntry(
                keys.nodeId(),
                "127.0.0.1:" + (taps.containsKey(n) ? taps.get(n).port() : mixPorts.get(n)),
                "family-" + n,
                "",
                keys.current().publicKey(),
                keys.current().epoch(),
                keys.identityPublic(),
                !unhealthy.contains(keys.nodeId())));
      }
      layerList.add(new Topology.Layer(l, nodes));
    }
    return new Topology(
        Topology.FORMAT_VERSION,
        "test",
        "default",
        epoch,
        Instant.now(),
        PACKET_SIZE,
        new Topology.Mixing(meanDelayMillis, coverMeanIntervalMillis)
            .withSendRatePerSecond(sendRatePerSecond),
        layerList,
        List.of(
            router(entryKeys, entryPacketPort, entryTunnelPort, List.of()),
            router(
                exitKeys,
                exitPacketPort,
                exitTunnelPort,
                List.of(
                    new Topology.FogService("k3xw4e2echoservice.fog", "echo.fog"),
                    new Topology.FogService("k3xw4e2bigservice.fog", "big.fog"),
                    new Topology.FogService("k3xw4e2bareservice.fog", "bare.fog")))),
        new Topology.Canary(canaryWeight, fallbackPolicy));
  }

  private static Topology.RouterNode router(
      NodeKeys keys, int port, int tunnelPort, List<Topology.FogService> s) {
    return new Topology.RouterNode(
        keys.nodeId(),
        "127.0.0.1:" + port,
        "127.0.0.1:" + tunnelPort,
        keys.current().publicKey(),
        keys.current().epoch(),
        keys.identityPublic(),
        s);
  }

  Path keysFile(String nodeId) {
    return dir.resolve(nodeId + "-keys.json");
  }

  Path topologyFile() {
    return dir.resolve("topology.json");
  }

  void writeFiles() throws IOException {
    for (NodeKeys keys : mixKeys) {
      Files.write(keysFile(keys.nodeId()), NodeKeysFile.write(keys));
    }
    Files.write(keysFile(entryKeys.nodeId()), NodeKeysFile.write(entryKeys));
    Files.write(keysFile(exitKeys.nodeId()), NodeKeysFile.write(exitKeys));
    publishTopology();
  }

  /** Signs and writes the topology of the current fields, replacing the file atomically. */
  void publishTopology() throws IOException {
    Path temp = dir.resolve("topology.json.tmp");
    Files.write(temp, signer.sign(topology()));
    Files.move(
        temp,
        topologyFile(),
        java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** Starts every mixnode process and both routers; returns once all are ready. */
  void start(String backendUrl) throws Exception {
    writeFiles();
    startMixnodes();
    startRouters(backendUrl);
    awaitMixnodes();
    awaitLinks(true);
  }

  /**
   * Starts every mixnode process and the entry router only: the exit's packet and tunnel ports are
   * left for the test to play (an exit that misbehaves); returns once all are ready.
   */
  void startWithoutExit() throws Exception {
    writeFiles();
    startMixnodes();
    entry =
        startRouter(entryKeys.nodeId(), entryPacketPort, entryTunnelPort, Map.of(), entryMetrics);
    awaitMixnodes();
    awaitLinks(false);
  }

  private void startMixnodes() throws IOException {
    if (!Files.exists(MIXNODE_JAR)) {
      throw new IllegalStateException(
          MIXNODE_JAR + " is missing: package mixnode-service first (the reactor does)");
    }
    for (int n = 0; n < mixKeys.size(); n++) {
      int management = LoopbackPorts.reserve();
      mixManagementPorts.add(management);
      mixProcesses.add(startMixnode(n, management));
    }
  }

  private void awaitMixnodes() throws Exception {
    List<Integer> managementPorts = mixManagementPorts;
    var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    // Generous: on a shared 2-core machine six mixnode JVMs have been seen to need 56 s each.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    for (int n = 0; n < managementPorts.size(); n++) {
      while (!ready(http, managementPorts.get(n))) {
        if (!mixProcesses.get(n).isAlive()) {
          throw new IllegalStateException(
              "mixnode " + n + " exited during start; its log:\n" + log(n));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "mixnode " + n + " not ready within 240 s; its log:\n" + log(n));
        }
        Thread.sleep(200);
      }
    }
  }

  /**
   * Waits until every link the topology names is open: each router's to the first layer, each
   * mixnode's to the layer after it, and the last layer's to the routers when {@code toRouters}
   * (not while the test still has to play the exit). Links open when a topology is applied and
   * retry with a backoff (up to 5 s) while a peer is still starting, so a test's first request
   * crosses open links, as it does in a cluster that has been up a while.
   */
  void awaitLinks(boolean toRouters) {
    Eventually.await(
        "every packet link the topology names open",
        Duration.ofSeconds(120),
        () -> {
          for (Router router : routers) {
            if (router.status().getInteger("packetLinksOpen", -1) != perLayer) {
              return false;
            }
          }
          List<String> scrapes;
          try {
            scrapes = mixnodeMetrics();
          } catch (Exception e) {
            return false;
          }
          for (int n = 0; n < scrapes.size(); n++) {
            if (mixProcesses.get(n).isAlive()) {
              boolean last = n / perLayer == layers - 1;
              if (last && !toRouters) {
                continue;
              }
              double out =
                  Scrapes.required(
                      scrapes.get(n),
                      MetricNames.MIXNODE_CONNECTIONS.prometheus() + "{direction=\"out\"}");
              if (out != (last ? topology().routers().size() : perLayer)) {
                return false;
              }
            }
          }
          return true;
        });
  }

  /** Starts the entry and the exit router only (no mixnodes: enough for the tunnel). */
  void startRouters(String backendUrl) throws Exception {
    if (!Files.exists(topologyFile())) {
      writeFiles();
    }
    entry =
        startRouter(entryKeys.nodeId(), entryPacketPort, entryTunnelPort, Map.of(), entryMetrics);
    exit = startExit(backendUrl);
  }

  /** Starts (or restarts, on the same ports) the exit router. */
  Router startExit(String backendUrl) throws Exception {
    exit =
        startRouter(
            exitKeys.nodeId(),
            exitPacketPort,
            exitTunnelPort,
            // big.fog and bare.fog: the same backend under names of their own, for tests whose
            // requests change what the entry remembers about a name (LargeBodyCases).
            Map.of("echo.fog", backendUrl, "big.fog", backendUrl, "bare.fog", backendUrl),
            exitMetrics);
    return exit;
  }

  /** Stops the exit router (its ports close). */
  void stopExit() throws Exception {
    exit.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    routers.remove(exit);
  }

  /** Prometheus text of the mixnode processes' own metrics, one string per node. */
  List<String> mixnodeMetrics() throws Exception {
    var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    List<String> all = new ArrayList<>();
    for (int port : mixManagementPorts) {
      all.add(
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body());
    }
    return all;
  }

  private Process startMixnode(int n, int managementPort) throws IOException {
    String id = mixKeys.get(n).nodeId();
    var builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx96m",
            "-XX:+UseSerialGC",
            "-Dquarkus.management.port=" + managementPort,
            "-Dquarkus.management.host=127.0.0.1",
            "-jar",
            MIXNODE_JAR.toString());
    builder.environment().put("BETANET_NODE_ID", id);
    builder.environment().put("BETANET_KEYS_FILE", keysFile(id).toString());
    builder.environment().put("BETANET_TOPOLOGY_FILE", topologyFile().toString());
    builder.environment().put("BETANET_MIXNODE_PORT", String.valueOf(mixPorts.get(n)));
    builder.environment().put("BETANET_MIXNODE_HOST", "127.0.0.1");
    builder.environment().put("BETANET_MIXNODE_WORKER_THREADS", "1");
    builder.redirectErrorStream(true);
    builder.redirectOutput(dir.resolve(id + ".log").toFile());
    Process process = builder.start();
    RUNNING.add(process);
    process.onExit().thenAccept(RUNNING::remove);
    return process;
  }

  private static boolean ready(HttpClient http, int port) {
    try {
      var response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  RouterSettings settings(
      String nodeId, int packetPort, int tunnelPort, Map<String, String> services) {
    return RouterSettings.builder(nodeId, keysFile(nodeId), topologyFile())
        .services(services)
        .host("127.0.0.1")
        .proxyPort(0)
        .packetPort(packetPort)
        .tunnelPort(tunnelPort)
        .requestTimeout(requestTimeout)
        .backendTimeout(Duration.ofSeconds(2))
        .retransmitMargin(Duration.ofMillis(700))
        .maxAttempts(maxAttempts)
        .maxBodyBytes(maxBodyBytes)
        .maxInFlight(64)
        .initialSurbs(8)
        .reloadInterval(Duration.ofMillis(200))
        .cryptoThreads(2)
        .socksPort(0)
        .build();
  }

  private Router startRouter(
      String nodeId,
      int packetPort,
      int tunnelPort,
      Map<String, String> services,
      MeterRegistry registry)
      throws Exception {
    RouterSettings settings =
        settings(nodeId, packetPort, tunnelPort, services).toBuilder()
            .limits(nodeId.equals(entryKeys.nodeId()) ? entryLimits : exitLimits)
            .tcpPorts(nodeId.equals(exitKeys.nodeId()) ? exitTcpPorts : Map.of())
            .streams(streamSettings)
            .bodies(bodies)
            .build();
    var router =
        nodeId.equals(entryKeys.nodeId()) && entrySplitRandom != null
            ? new Router(vertx, settings, registry, entrySplitRandom)
            : new Router(vertx, settings, registry);
    routers.add(router);
    router.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return router;
  }

  /** Kills one mixnode process outright (no graceful drain), as a crash would. */
  void kill(int layer, int index) throws InterruptedException {
    Process process = mixProcesses.get(layer * perLayer + index);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** The log of a mixnode process, for failure messages. */
  String log(int n) {
    try {
      return Files.readString(dir.resolve(mixKeys.get(n).nodeId() + ".log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** An HTTP backend on a free loopback port, on this cluster's Vert.x. */
  HttpServer backend(Handler<HttpServerRequest> handler) throws Exception {
    return vertx
        .createHttpServer()
        .requestHandler(handler)
        .listen(0, "127.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    for (Router router : routers) {
      router.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    for (TlsRecordTap tap : taps.values()) {
      tap.close();
    }
    for (Process process : mixProcesses) {
      process.destroy();
    }
    for (Process process : mixProcesses) {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
