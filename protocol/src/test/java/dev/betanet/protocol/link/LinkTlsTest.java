package dev.betanet.protocol.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.Topology;
import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** Real TLS 1.3 handshakes on loopback between identities a topology pins, or does not. */
class LinkTlsTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** layer 0: mix-0, layer 1: mix-1, one router; cover (loops) as given. */
  private final List<NodeKeys> keys = new ArrayList<>();

  private Topology topology(long coverMillis) {
    keys.clear();
    var operator = Ed25519Keys.publicOf(Ed25519Keys.generatePrivate(RANDOM));
    for (String id : List.of("mix-0", "mix-1", "router")) {
      keys.add(NodeKeys.generate(id, operator, 1, RANDOM));
    }
    List<Topology.Layer> layers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      NodeKeys k = keys.get(i);
      layers.add(
          new Topology.Layer(
              i,
              List.of(
                  new Topology.MixnodeEntry(
                      k.nodeId(),
                      "127.0.0.1:" + (30000 + i),
                      "f" + i,
                      "",
                      k.current().publicKey(),
                      1,
                      k.identityPublic(),
                      true))));
    }
    NodeKeys r = keys.get(2);
    return new Topology(
        Topology.FORMAT_VERSION,
        "t",
        "default",
        1,
        Instant.now(),
        2048,
        new Topology.Mixing(0, coverMillis),
        layers,
        List.of(
            new Topology.RouterNode(
                "router",
                "127.0.0.1:31789",
                "127.0.0.1:31790",
                r.current().publicKey(),
                1,
                r.identityPublic(),
                List.of())),
        new Topology.Canary(100, Topology.FallbackPolicy.STRICT));
  }

  @Test
  void layerOneAcceptsOnlyLayerZeroWithoutLoops() {
    Topology t = topology(0);
    LinkPeers into1 = LinkPeers.intoMixnode(t, "mix-1");
    assertThat(into1.judge(keys.get(0).identityPublic())).isEmpty();
    assertThat(into1.judge(keys.get(1).identityPublic())).contains(LinkRefusal.WRONG_LAYER);
    assertThat(into1.judge(keys.get(2).identityPublic())).contains(LinkRefusal.WRONG_LAYER);
    assertThat(into1.judge(Ed25519Keys.publicOf(Ed25519Keys.generatePrivate(RANDOM))))
        .contains(LinkRefusal.UNKNOWN_PEER);
    LinkPeers into0 = LinkPeers.intoMixnode(t, "mix-0");
    assertThat(into0.judge(keys.get(2).identityPublic())).isEmpty();
    assertThat(into0.judge(keys.get(1).identityPublic())).contains(LinkRefusal.WRONG_LAYER);
    LinkPeers intoRouter = LinkPeers.intoRouter(t);
    assertThat(intoRouter.judge(keys.get(1).identityPublic())).isEmpty();
    assertThat(intoRouter.judge(keys.get(0).identityPublic())).contains(LinkRefusal.WRONG_LAYER);
  }

  @Test
  void loopCoverAddsOnlyItsTwoEdges() {
    Topology t = topology(500);
    // any mixnode into layer 0 (a loop starts there), the last layer into any mixnode (it ends)
    assertThat(LinkPeers.intoMixnode(t, "mix-0").judge(keys.get(1).identityPublic())).isEmpty();
    assertThat(LinkPeers.intoMixnode(t, "mix-1").judge(keys.get(1).identityPublic())).isEmpty();
    // routers still only into layer 0
    assertThat(LinkPeers.intoMixnode(t, "mix-1").judge(keys.get(2).identityPublic()))
        .contains(LinkRefusal.WRONG_LAYER);
  }

  @Test
  void listedAtFindsTheNodeAtAnAddress() {
    Topology t = topology(0);
    assertThat(LinkPeers.listedAt(t, "127.0.0.1", 30001))
        .containsExactly(keys.get(1).identityPublic());
    assertThat(LinkPeers.listedAt(t, "127.0.0.1", 31789))
        .containsExactly(keys.get(2).identityPublic());
    assertThat(LinkPeers.listedAt(t, "127.0.0.1", 1)).isEmpty();
  }

  @Test
  void pinnedPeersCompleteAHandshakeAndExchangeBytes() throws Exception {
    Topology t = topology(0);
    LinkTls mix1 = tls(1, LinkPeers.intoMixnode(t, "mix-1"), LinkPeers.anyNode(t));
    LinkTls mix0 = tls(0, LinkPeers.intoMixnode(t, "mix-0"), LinkPeers.anyNode(t));
    assertThat(exchange(mix1, mix0)).isEqualTo(42);
  }

  @Test
  void refusesAnUnpinnedClientWithUnknownPeer() throws Exception {
    Topology t = topology(0);
    LinkTls mix1 = tls(1, LinkPeers.intoMixnode(t, "mix-1"), LinkPeers.anyNode(t));
    byte[] stranger = Ed25519Keys.generatePrivate(RANDOM);
    LinkTls attacker =
        new LinkTls(LinkIdentity.of("stranger", stranger), () -> null, () -> LinkPeers.anyNode(t));
    AtomicReference<Throwable> serverFailure = new AtomicReference<>();
    assertThatThrownBy(() -> exchange(mix1, attacker, serverFailure))
        .isInstanceOf(IOException.class);
    assertThat(LinkRefusal.of(serverFailure.get())).isEqualTo(LinkRefusal.UNKNOWN_PEER);
  }

  @Test
  void refusesANodeOfTheWrongLayer() throws Exception {
    Topology t = topology(0);
    LinkTls mix0 = tls(0, LinkPeers.intoMixnode(t, "mix-0"), LinkPeers.anyNode(t));
    LinkTls mix1 = tls(1, LinkPeers.intoMixnode(t, "mix-1"), LinkPeers.anyNode(t));
    AtomicReference<Throwable> serverFailure = new AtomicReference<>();
    assertThatThrownBy(() -> exchange(mix0, mix1, serverFailure)).isInstanceOf(IOException.class);
    assertThat(LinkRefusal.of(serverFailure.get())).isEqualTo(LinkRefusal.WRONG_LAYER);
  }

  private LinkTls tls(int node, LinkPeers inbound, LinkPeers outbound) {
    return new LinkTls(LinkIdentity.of(keys.get(node)), () -> inbound, () -> outbound);
  }

  private static int exchange(LinkTls server, LinkTls client) throws Exception {
    return exchange(server, client, new AtomicReference<>());
  }

  /** One byte from client to server over TLS; the server's failure, if any, lands in the ref. */
  private static int exchange(LinkTls server, LinkTls client, AtomicReference<Throwable> failure)
      throws Exception {
    try (var listener =
        (SSLServerSocket)
            server
                .sslContext()
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      listener.setEnabledProtocols(new String[] {LinkTls.PROTOCOL});
      CompletableFuture<Integer> read =
          CompletableFuture.supplyAsync(
              () -> {
                try (var accepted = (SSLSocket) listener.accept()) {
                  return accepted.getInputStream().read();
                } catch (IOException e) {
                  failure.set(e);
                  return -2;
                }
              });
      try (var socket =
          (SSLSocket)
              client
                  .sslContext()
                  .getSocketFactory()
                  .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        socket.setEnabledProtocols(new String[] {LinkTls.PROTOCOL});
        try {
          socket.getOutputStream().write(42);
          socket.getOutputStream().flush();
        } catch (IOException e) {
          // A server that refused may close before the client's write: the client's error is then
          // a broken pipe, and the server's verdict is set only after its close. Wait for it.
          read.get(10, TimeUnit.SECONDS);
          throw e;
        }
        int got = read.get(10, TimeUnit.SECONDS);
        if (got < 0) {
          // TLS 1.3 clients finish before the server judges their certificate: the refusal
          // reaches the client as an alert on its next read.
          socket.getInputStream().read();
          throw new IOException("server refused: " + failure.get());
        }
        return got;
      }
    }
  }

  @Test
  void peerCacheComputesOncePerTopologyDocument() {
    AtomicReference<Topology> inForce = new AtomicReference<>();
    List<Topology> computed = new ArrayList<>();
    LinkPeerCache cache =
        new LinkPeerCache(
            inForce::get,
            t -> {
              computed.add(t);
              return LinkPeers.intoRouter(t);
            });
    assertThat(cache.get()).isNull();

    Topology first = topology(0);
    inForce.set(first);
    LinkPeers peers = cache.get();
    assertThat(cache.get()).isSameAs(peers);
    var oldLastLayer = keys.get(1).identityPublic();
    assertThat(peers.judge(oldLastLayer)).isEmpty(); // the last layer may send to a router

    Topology next = topology(0); // new identities: the old last-layer node is no longer listed
    inForce.set(next);
    assertThat(cache.get().judge(oldLastLayer)).isPresent();
    assertThat(cache.get().judge(keys.get(1).identityPublic())).isEmpty();
    assertThat(computed).containsExactly(first, next);
  }
}
