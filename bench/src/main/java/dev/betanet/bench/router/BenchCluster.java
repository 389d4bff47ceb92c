package dev.betanet.bench.router;

import com.sun.net.httpserver.HttpServer;
import dev.betanet.protocol.node.LoopbackPorts;
import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.NodeKeysFile;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.TopologySigner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real mixnet on one machine for the benchmark: one mixnode process per layer, an entry and an
 * exit router process (the Quarkus jars, configured through the env vars the operator sets), a
 * backend (the JDK's HTTP server) and the files the operator would write. The topology can be
 * republished with another per-hop delay and canary weight; every process applies it live.
 */
final class BenchCluster implements AutoCloseable {

  private static final SecureRandom RANDOM = new SecureRandom();

  final Path dir = Files.createTempDirectory("router-bench");
  private final TopologySigner signer = new TopologySigner(Ed25519Keys.generatePrivate(RANDOM));
  private final List<NodeKeys> mixes = new ArrayList<>();
  private final List<Integer> mixPorts = new ArrayList<>();
  private final NodeKeys entry = NodeKeys.generate("bench-entry", signer.publicKey(), 1, RANDOM);
  private final NodeKeys exit = NodeKeys.generate("bench-exit", signer.publicKey(), 1, RANDOM);
  private final int entryPacketPort = LoopbackPorts.reserve();
  private final int exitPacketPort = LoopbackPorts.reserve();
  private final int entryTunnelPort = LoopbackPorts.reserve();
  private final int exitTunnelPort = LoopbackPorts.reserve();
  final int proxyPort = LoopbackPorts.reserve();
  private final List<Process> processes = new ArrayList<>();
  private final List<Integer> managementPorts = new ArrayList<>();
  private final HttpServer backend;
  private final ExecutorService backendThreads = Executors.newFixedThreadPool(4);
  private long epoch = 1;
  private long meanDelayMillis;
  private int canaryWeight = 100;

  /** The routers' send rate; 0 is unpaced (no router cover), explicitly. */
  private long sendRatePerSecond;

  BenchCluster(int layers, long sendRatePerSecond) throws IOException {
    this.sendRatePerSecond = sendRatePerSecond;
    for (int i = 0; i < layers; i++) {
      mixes.add(NodeKeys.generate("bench-mix-" + i, signer.publicKey(), 1, RANDOM));
      mixPorts.add(LoopbackPorts.reserve());
    }
    backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    backend.setExecutor(backendThreads);
    backend.createContext(
        "/",
        exchange -> {
          byte[] body = ("hello " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    backend.start();
  }

  private Topology topology() {
    List<Topology.Layer> layers = new ArrayList<>();
    for (int i = 0; i < mixes.size(); i++) {
      NodeKeys keys = mixes.get(i);
      layers.add(
          new Topology.Layer(
              i,
              List.of(
                  new Topology.MixnodeEntry(
                      keys.nodeId(),
                      "127.0.0.1:" + mixPorts.get(i),
                      "family-" + i,
                      "",
                      keys.current().publicKey(),
                      1,
                      keys.identityPublic(),
                      true))));
    }
    return new Topology(
        Topology.FORMAT_VERSION,
        "bench",
        "default",
        epoch,
        Instant.now(),
        2048,
        new Topology.Mixing(meanDelayMillis, 0).withSendRatePerSecond(sendRatePerSecond),
        layers,
        List.of(
            router(entry, entryPacketPort, entryTunnelPort, List.of()),
            router(
                exit,
                exitPacketPort,
                exitTunnelPort,
                List.of(new Topology.FogService("benchx.fog", "echo.fog")))),
        new Topology.Canary(canaryWeight, Topology.FallbackPolicy.STRICT));
  }

  private static Topology.RouterNode router(
      NodeKeys keys, int port, int tunnelPort, List<Topology.FogService> services) {
    return new Topology.RouterNode(
        keys.nodeId(),
        "127.0.0.1:" + port,
        "127.0.0.1:" + tunnelPort,
        keys.current().publicKey(),
        1,
        keys.identityPublic(),
        services);
  }

  /**
   * Publishes the topology with a new per-hop mean delay and canary weight, and waits for the nodes
   * to take it.
   */
  void configure(long delayMillis, int weight) throws Exception {
    meanDelayMillis = delayMillis;
    canaryWeight = weight;
    epoch++;
    publish();
    Thread.sleep(2500); // nodes poll their files once a second
  }

  /** Republishes the topology with another router send rate and waits for the nodes to take it. */
  void configureSendRate(long rate) throws Exception {
    sendRatePerSecond = rate;
    epoch++;
    publish();
    Thread.sleep(2500); // nodes poll their files once a second
  }

  /** The entry router's process id (it is launched after the mixnodes). */
  long entryPid() {
    return processes.get(mixes.size()).pid();
  }

  /** The entry router's Prometheus page. */
  String entryMetrics() throws Exception {
    var http = HttpClient.newHttpClient();
    return http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + managementPorts.get(mixes.size()) + "/q/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private void publish() throws IOException {
    Path temp = dir.resolve("topology.json.tmp");
    Files.write(temp, signer.sign(topology()));
    Files.move(
        temp,
        dir.resolve("topology.json"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** Writes the files, starts every process and waits until all are ready. */
  void start(Path mixnodeJar, Path routerJar, List<String> jvmOptions) throws Exception {
    publish();
    for (int i = 0; i < mixes.size(); i++) {
      Map<String, String> env =
          Map.of(
              "BETANET_MIXNODE_HOST",
              "127.0.0.1",
              "BETANET_MIXNODE_PORT",
              String.valueOf(mixPorts.get(i)));
      launch(mixnodeJar, mixes.get(i), env, jvmOptions);
    }
    Path services = dir.resolve("services.json");
    Files.writeString(
        services,
        "{\"echo.fog\": {\"backend\": \"http://127.0.0.1:"
            + backend.getAddress().getPort()
            + "\"}}");
    launch(
        routerJar,
        entry,
        Map.of(
            "BETANET_ROUTER_HOST", "127.0.0.1",
            "BETANET_ROUTER_PACKET_PORT", String.valueOf(entryPacketPort),
            "BETANET_ROUTER_TUNNEL_PORT", String.valueOf(entryTunnelPort),
            "BETANET_ROUTER_PROXY_PORT", String.valueOf(proxyPort),
            // Each router its own: both would take the default 1080, the second in vain.
            "BETANET_ROUTER_SOCKS_PORT", String.valueOf(LoopbackPorts.reserve())),
        jvmOptions);
    launch(
        routerJar,
        exit,
        Map.of(
            "BETANET_ROUTER_HOST", "127.0.0.1",
            "BETANET_ROUTER_PACKET_PORT", String.valueOf(exitPacketPort),
            "BETANET_ROUTER_TUNNEL_PORT", String.valueOf(exitTunnelPort),
            "BETANET_ROUTER_PROXY_PORT", String.valueOf(LoopbackPorts.reserve()),
            "BETANET_ROUTER_SOCKS_PORT", String.valueOf(LoopbackPorts.reserve()),
            "BETANET_SERVICES_FILE", services.toString()),
        jvmOptions);
    for (int i = 0; i < processes.size(); i++) {
      awaitReady(i, Duration.ofSeconds(90));
    }
  }

  private void launch(Path jar, NodeKeys keys, Map<String, String> env, List<String> jvmOptions)
      throws IOException {
    Path keysFile = dir.resolve(keys.nodeId() + "-keys.json");
    Files.write(keysFile, NodeKeysFile.write(keys));
    int management = LoopbackPorts.reserve();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-Dquarkus.management.port=" + management);
    command.add("-Dquarkus.management.host=127.0.0.1");
    command.add("-jar");
    command.add(jar.toString());
    var builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(keys.nodeId() + ".log").toFile());
    builder.environment().putAll(env);
    builder.environment().put("BETANET_NODE_ID", keys.nodeId());
    builder.environment().put("BETANET_KEYS_FILE", keysFile.toString());
    builder.environment().put("BETANET_TOPOLOGY_FILE", dir.resolve("topology.json").toString());
    processes.add(builder.start());
    managementPorts.add(management);
  }

  private void awaitReady(int index, Duration timeout) throws Exception {
    var http = HttpClient.newHttpClient();
    var request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPorts.get(index) + "/q/health/ready"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!processes.get(index).isAlive()) {
        throw new IllegalStateException("process " + index + " exited at start; logs in " + dir);
      }
      try {
        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("process " + index + " not ready in " + timeout + "; " + dir);
  }

  @Override
  public void close() throws InterruptedException {
    processes.forEach(Process::destroy);
    for (Process process : processes) {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    backend.stop(0);
    backendThreads.shutdownNow(); // its threads are not daemons: the JVM would not exit
  }
}
