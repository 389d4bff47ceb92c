package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import dev.betanet.protocol.fragment.Fragments;
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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exit against a real Vert.x backend, fed the same request fragments several times in any order
 * (what retransmission produces): every copy is acknowledged, the backend is called once, and fresh
 * SURBs after the whole response was sent make it go out again. A one-packet request is
 * acknowledged by its response, or on its own when the backend is slow.
 */
class ExitDuplicateTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx = Vertx.vertx();
  private final List<OutgoingPacket> sent = new CopyOnWriteArrayList<>();
  private final List<String> backendPaths = new CopyOnWriteArrayList<>();
  private final io.vertx.core.Promise<Void> slowBackend = io.vertx.core.Promise.promise();

  /**
   * The exit's timers, fired by the test: "not yet" and "no acknowledgement follows" are then
   * decided by firing them, not by sleeping and hoping.
   */
  private final List<Runnable> timers = new CopyOnWriteArrayList<>();

  private HttpServer backend;
  private RouterState state;
  private ExitHandler exit;
  private BackendCaller caller;

  @BeforeEach
  void start() throws Exception {
    backend =
        vertx
            .createHttpServer()
            .requestHandler(
                r -> {
                  backendPaths.add(r.path());
                  // /big answers 5000 bytes: four reply fragments; /slow answers when the test
                  // releases it
                  r.body()
                      .onSuccess(
                          b -> {
                            var body =
                                r.path().equals("/big")
                                    ? io.vertx.core.buffer.Buffer.buffer(new byte[5000])
                                    : io.vertx.core.buffer.Buffer.buffer("got " + b.length());
                            if (r.path().equals("/slow")) {
                              slowBackend.future().onSuccess(v -> r.response().end(body));
                            } else {
                              r.response().end(body);
                            }
                          });
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
    caller =
        new BackendCaller(
            vertx, Map.of("echo.fog", "http://127.0.0.1:" + backend.actualPort()), 5000, 1 << 20);
    exit =
        new ExitHandler(
            sent::add,
            (millis, task) -> timers.add(task),
            caller,
            new RouterMetrics(new SimpleMeterRegistry(), () -> 0, () -> 0),
            new ExitHandler.Bounds(16, 64, 0, 60_000, 64L << 20, 64L << 20, 64),
            System::currentTimeMillis);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** Per SURB handed to the exit: its one hop's key and the secrets that open the reply. */
  private record Handed(byte[] hopKey, SurbSecrets secrets) {}

  private final Map<NodeRef, Handed> handed = new ConcurrentHashMap<>();

  /** A SURB whose reply path is one hop played by this test, so replies can be opened. */
  private Surb surb() {
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

  private final List<Integer> kinds = new java.util.ArrayList<>();

  /**
   * The kinds of the replies the exit sent so far, in order, opened as the entry would (each reply
   * opens once: SURB secrets are single-use).
   */
  private List<Integer> replyKinds() throws Exception {
    for (OutgoingPacket packet : sent.subList(kinds.size(), sent.size())) {
      Handed h = handed.get(packet.firstHop());
      var processor =
          new PacketProcessor(
              state.geometry(),
              KeyRing.of(1, X25519PrivateKey.of(h.hopKey())),
              BloomReplayFilter.forRate(ReplayWindow.DEFAULT, 100),
              X25519.bouncyCastle());
      var delivery = (ProcessResult.ReplyDelivery) processor.process(packet.packet().clone());
      kinds.add(Envelope.parseReply(h.secrets().openReply(delivery.payload())).kind());
    }
    return List.copyOf(kinds);
  }

  private void deliver(byte[] message) {
    exit.onForward(state, message, 2 << 20);
  }

  /** A bound against hanging, not a timing claim. */
  private static void await(String what, java.util.function.BooleanSupplier condition) {
    Eventually.await(what, java.time.Duration.ofSeconds(30), condition);
  }

  /** Runs every timer the exit set so far (as if its wait had passed), once. */
  private void fireTimers() {
    List<Runnable> due = List.copyOf(timers);
    timers.removeAll(due);
    due.forEach(Runnable::run);
  }

  /**
   * Waits until a request made after everything the exit did so far has reached the backend. The
   * exit calls the backend through one client, so a wrong extra call made before it arrives first.
   */
  private void fenceBackendCalls() throws Exception {
    caller
        .call(
            HttpMessages.encode(
                new HttpMessages.Request("GET", "echo.fog", "/fence", List.of(), new byte[0])))
        .toCompletionStage()
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  private long callsTo(String path) {
    return backendPaths.stream().filter(path::equals).count();
  }

  @Test
  void callsTheBackendOnceHoweverOftenFragmentsArrive() throws Exception {
    long id = 77;
    byte[] request =
        HttpMessages.encode(
            new HttpMessages.Request("POST", "echo.fog", "/x", List.of(), new byte[2000]));
    Envelope envelope = state.envelope();
    List<byte[]> fragments = new Fragments(envelope.requestFragmentBytes()).split(id, request);
    assertThat(fragments).hasSizeGreaterThan(1);

    for (int i = fragments.size() - 1; i >= 0; i--) {
      deliver(envelope.request(id, surb(), fragments.get(i)));
    }
    for (byte[] fragment : fragments) {
      deliver(envelope.request(id, surb(), fragment)); // a retransmission after lost acks
    }
    deliver(envelope.surbs(id, List.of(surb(), surb())));
    await(
        "every copy acknowledged and the response sent",
        () -> sent.size() >= 2 * fragments.size() + 1);
    fenceBackendCalls();

    assertThat(callsTo("/x")).isEqualTo(1);
    // One acknowledgement per copy, then the one-fragment response through a SURBS SURB.
    List<Integer> expected = new java.util.ArrayList<>();
    for (int i = 0; i < 2 * fragments.size(); i++) {
      expected.add(Envelope.ACK);
    }
    expected.add(Envelope.RESPONSE);
    assertThat(replyKinds()).isEqualTo(expected);

    deliver(envelope.surbs(id, List.of(surb())));

    expected.add(Envelope.RESPONSE); // the response again, not the backend
    assertThat(replyKinds()).isEqualTo(expected);
    fenceBackendCalls();
    assertThat(callsTo("/x")).isEqualTo(1);
  }

  @Test
  void asksForMoreSurbsWhenTheResponseNeedsThem() throws Exception {
    long id = 78;
    byte[] request =
        HttpMessages.encode(
            new HttpMessages.Request("GET", "echo.fog", "/big", List.of(), new byte[0]));
    Envelope envelope = state.envelope();
    byte[] fragment = new Fragments(envelope.requestFragmentBytes()).split(id, request).getFirst();

    // The SURBs first: they wait for their request at the exit, so all three are there when the
    // backend answers (sent after the request, a quick backend could answer before they arrive).
    deliver(envelope.surbs(id, List.of(surb(), surb())));
    deliver(envelope.request(id, surb(), fragment));
    await("two response fragments and the ask for more", () -> sent.size() >= 3);
    fireTimers(); // the wait for a quick answer is over: no acknowledgement may follow

    // the request's SURB and one more carry two response fragments (which acknowledge the
    // request), then the last SURB is spent on asking for the other two
    assertThat(replyKinds())
        .containsExactly(Envelope.RESPONSE, Envelope.RESPONSE, Envelope.MORE_SURBS);
    deliver(envelope.surbs(id, List.of(surb())));
    deliver(envelope.surbs(id, List.of(surb())));
    // the two SURBs asked for carry the two remaining fragments, without asking twice
    assertThat(replyKinds())
        .containsExactly(
            Envelope.RESPONSE,
            Envelope.RESPONSE,
            Envelope.MORE_SURBS,
            Envelope.RESPONSE,
            Envelope.RESPONSE);
    assertThat(callsTo("/big")).isEqualTo(1);
  }

  @Test
  void aOnePacketRequestToAQuickBackendCostsOneReplyPacket() throws Exception {
    long id = 79;
    byte[] fragment = onePacketRequest(id, "/quick");

    deliver(state.envelope().request(id, surb(), fragment));
    await("a reply sent", () -> !sent.isEmpty());
    fireTimers(); // the wait for a quick answer is over: no acknowledgement may follow

    assertThat(replyKinds()).containsExactly(Envelope.RESPONSE);
    assertThat(callsTo("/quick")).isEqualTo(1);
  }

  @Test
  void aSlowBackendMakesTheExitAcknowledgeThenAnswerThroughFreshSurbs() throws Exception {
    long id = 80;
    byte[] fragment = onePacketRequest(id, "/slow");

    deliver(state.envelope().request(id, surb(), fragment));
    await("the backend called", () -> callsTo("/slow") == 1);

    // not acknowledged at once: the exit waits for a quick answer first
    assertThat(sent).isEmpty();
    assertThat(timers).hasSize(1);
    fireTimers();
    // acknowledged once the wait is over, not only with the response
    await("a reply sent", () -> !sent.isEmpty());
    assertThat(replyKinds()).containsExactly(Envelope.ACK);
    slowBackend.complete();
    deliver(state.envelope().surbs(id, List.of(surb()))); // what the entry sends on that ack
    await("the response through the fresh SURB", () -> sent.size() >= 2);

    assertThat(replyKinds()).containsExactly(Envelope.ACK, Envelope.RESPONSE);
    assertThat(callsTo("/slow")).isEqualTo(1);
  }

  private byte[] onePacketRequest(long id, String path) {
    byte[] request =
        HttpMessages.encode(
            new HttpMessages.Request("GET", "echo.fog", path, List.of(), new byte[0]));
    List<byte[]> fragments =
        new Fragments(state.envelope().requestFragmentBytes()).split(id, request);
    assertThat(fragments).hasSize(1);
    return fragments.getFirst();
  }
}
