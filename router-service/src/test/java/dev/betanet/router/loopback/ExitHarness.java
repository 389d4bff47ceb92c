package dev.betanet.router.loopback;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import dev.betanet.protocol.fragment.Fragments;
import dev.betanet.protocol.fragment.Reassembler;
import dev.betanet.protocol.node.NodeFiles;
import dev.betanet.protocol.packet.KeyRing;
import dev.betanet.protocol.packet.NodeRef;
import dev.betanet.protocol.packet.OutgoingPacket;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.PacketProcessor;
import dev.betanet.protocol.packet.PathHop;
import dev.betanet.protocol.packet.ProcessResult;
import dev.betanet.protocol.packet.Surb;
import dev.betanet.protocol.packet.SurbPair;
import dev.betanet.protocol.packet.SurbSecrets;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.exit.BackendCaller;
import dev.betanet.router.exit.ExitHandler;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.wire.Envelope;
import dev.betanet.router.wire.HttpMessages;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An exit ({@link ExitHandler}) against a real Vert.x backend, fed envelopes as the packet port
 * would deliver them, with its replies opened as the entry opens them. The backend counts calls per
 * path and answers {@code /big/<n>} with n bytes, anything else with {@code got <body length>}.
 */
final class ExitHarness implements AutoCloseable {

  static final SecureRandom RANDOM = new SecureRandom();

  final Vertx vertx = Vertx.vertx();
  final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  final List<OutgoingPacket> sent = new CopyOnWriteArrayList<>();
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final AtomicLong clock = new AtomicLong(1_000_000);
  final HttpServer backend;
  final RouterState state;
  final ExitHandler exit;

  /** Per SURB handed to the exit: its one hop's key and the secrets that open the reply. */
  private record Handed(byte[] hopKey, SurbSecrets secrets) {}

  private final Map<NodeRef, Handed> handed = new ConcurrentHashMap<>();
  private final List<Envelope.Reply> replies = new ArrayList<>();

  ExitHarness(ExitHandler.Bounds bounds) throws Exception {
    backend =
        vertx
            .createHttpServer()
            .requestHandler(
                r -> {
                  calls.computeIfAbsent(r.path(), k -> new AtomicInteger()).incrementAndGet();
                  r.body()
                      .onSuccess(
                          b ->
                              r.response()
                                  .end(
                                      r.path().startsWith("/big/")
                                          ? Buffer.buffer(
                                              new byte[Integer.parseInt(r.path().substring(5))])
                                          : Buffer.buffer("got " + b.length())));
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    NodeKeys keys = NodeKeys.generate("exit", TestCluster.RANDOM_OPERATOR_KEY, 1, RANDOM);
    var topology =
        new Topology(
            Topology.FORMAT_VERSION,
            "t",
            "ns",
            1,
            Instant.now(),
            2048,
            new Topology.Mixing(0, 0),
            List.of(),
            List.of(),
            new Topology.Canary(100, Topology.FallbackPolicy.STRICT));
    state =
        new RouterState(
            new NodeFiles.State(keys, topology),
            BloomReplayFilter.forRate(ReplayWindow.DEFAULT, 100),
            X25519.bouncyCastle(),
            RANDOM);
    var caller =
        new BackendCaller(
            vertx, Map.of("echo.fog", "http://127.0.0.1:" + backend.actualPort()), 5000, 1 << 20);
    exit =
        new ExitHandler(
            sent::add,
            (millis, task) -> vertx.setTimer(millis, t -> task.run()),
            caller,
            new RouterMetrics(registry, () -> 0, () -> 0),
            bounds,
            clock::get);
  }

  int calls(String path) {
    AtomicInteger count = calls.get(path);
    return count == null ? 0 : count.get();
  }

  /** A SURB whose reply path is one hop played by this harness, so replies can be opened. */
  Surb surb() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    byte[] identity = new byte[32];
    RANDOM.nextBytes(identity);
    NodeRef node = NodeRef.ofIdentity(identity);
    var hop = new PathHop(node, X25519.bouncyCastle().publicKey(key), 1, 0);
    SurbPair pair =
        new PacketBuilder(state.geometry(), X25519.bouncyCastle(), RANDOM).surb(List.of(hop));
    handed.put(node, new Handed(key, pair.secrets()));
    return pair.surb();
  }

  /** The request's fragments as the entry cuts them. */
  List<byte[]> fragments(long id, String method, String path, byte[] body) {
    byte[] request =
        HttpMessages.encode(new HttpMessages.Request(method, "echo.fog", path, List.of(), body));
    return new Fragments(state.envelope().requestFragmentBytes()).split(id, request);
  }

  void deliverFragment(long id, byte[] fragment) {
    exit.onForward(state, state.envelope().request(id, surb(), fragment), 2 << 20);
  }

  /** {@code count} SURBs for {@code id}, two per SURBS message as the entry sends them. */
  void deliverSurbs(long id, int count) {
    for (int sent = 0; sent < count; sent += 2) {
      List<Surb> surbs = new ArrayList<>();
      for (int i = sent; i < Math.min(count, sent + 2); i++) {
        surbs.add(surb());
      }
      exit.onForward(state, state.envelope().surbs(id, surbs), 2 << 20);
    }
  }

  /** Every reply the exit sent so far, opened once each (SURB secrets are single use), in order. */
  synchronized List<Envelope.Reply> replies() throws Exception {
    for (OutgoingPacket packet : sent.subList(replies.size(), sent.size())) {
      Handed h = handed.get(packet.firstHop());
      var processor =
          new PacketProcessor(
              state.geometry(),
              KeyRing.of(1, X25519PrivateKey.of(h.hopKey())),
              BloomReplayFilter.forRate(ReplayWindow.DEFAULT, 100),
              X25519.bouncyCastle());
      var delivery = (ProcessResult.ReplyDelivery) processor.process(packet.packet().clone());
      replies.add(Envelope.parseReply(h.secrets().openReply(delivery.payload())));
    }
    return List.copyOf(replies);
  }

  /** Replies of one kind for one request. */
  List<Envelope.Reply> replies(long id, int kind) throws Exception {
    return replies().stream().filter(r -> r.requestId() == id && r.kind() == kind).toList();
  }

  /**
   * The response reassembled from the RESPONSE replies for {@code id} after the first {@code skip}.
   */
  Optional<HttpMessages.Response> response(long id, int skip) throws Exception {
    var reassembler =
        new Reassembler(new Fragments(state.envelope().responseFragmentBytes()), 4 << 20, 4);
    List<Envelope.Reply> parts = replies(id, Envelope.RESPONSE);
    for (Envelope.Reply reply : parts.subList(Math.min(skip, parts.size()), parts.size())) {
      Optional<byte[]> whole = reassembler.accept(reply.body());
      if (whole.isPresent()) {
        return Optional.of(HttpMessages.decodeResponse(whole.get()));
      }
    }
    return Optional.empty();
  }

  /** {@code betanet_router_packets_refused_total{reason}}; fails when missing. */
  double refused(String reason) {
    return Scrapes.required(
        registry.scrape(), "betanet_router_packets_refused_total{reason=\"" + reason + "\",}");
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
