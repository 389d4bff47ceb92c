package dev.betanet.router.packet;

import dev.betanet.protocol.link.LinkIdentity;
import dev.betanet.protocol.link.LinkPeerCache;
import dev.betanet.protocol.link.LinkPeers;
import dev.betanet.protocol.link.LinkRefusal;
import dev.betanet.protocol.link.LinkRefusedException;
import dev.betanet.protocol.link.LinkTls;
import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterState;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.TrustOptions;
import io.vertx.core.net.impl.NetSocketInternal;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The router's side of its mutual-TLS packet links (docs/protocol.md, "Links"): it presents its
 * Ed25519 identity, accepts links only from the last mix layer of the topology in force, and checks
 * that an outbound link reached the node the topology lists at that address. Refusals are counted
 * as {@code betanet_router_links_refused_total{reason}}. No plaintext fallback.
 */
public final class RouterLinks {

  private static final System.Logger LOG = System.getLogger(RouterLinks.class.getName());

  private final Supplier<RouterState> state;
  private final RouterMetrics metrics;
  private final LinkTls tls;
  private final LinkPeerCache inbound;
  private final LinkPeerCache outbound;

  public RouterLinks(Supplier<RouterState> state, RouterMetrics metrics) {
    this.state = state;
    this.metrics = metrics;
    this.inbound = new LinkPeerCache(this::topology, LinkPeers::intoRouter);
    this.outbound = new LinkPeerCache(this::topology, LinkPeers::anyNode);
    this.tls = new LinkTls(null, inbound::get, outbound::get);
  }

  /** Takes up the identity of a newly accepted state; links opened from now on present it. */
  public void apply(RouterState next) {
    LinkIdentity current = tls.identity();
    if (current == null || !current.publicKey().equals(next.files().keys().identityPublic())) {
      tls.use(LinkIdentity.of(next.files().keys()));
    }
  }

  /** Who may send to this router under the topology in force (null before one is loaded). */
  LinkPeers inboundPeers() {
    return inbound.get();
  }

  /**
   * Packet-port options: TLS 1.3 only, a client certificate required and pinned. The connection
   * starts as TCP and is upgraded at once ({@link PacketReceiver}), so that a handshake in progress
   * can be counted against {@link dev.betanet.protocol.link.PendingHandshakes}.
   */
  NetServerOptions serverOptions() {
    return new NetServerOptions()
        .setSsl(false)
        .setClientAuth(ClientAuth.REQUIRED)
        .setUseAlpn(false)
        .setEnabledSecureTransportProtocols(Set.of(LinkTls.PROTOCOL))
        .setKeyCertOptions(KeyCertOptions.wrap(tls.keyManager()))
        .setTrustOptions(TrustOptions.wrap(tls.trustManager()));
  }

  /** Outbound link options: TLS 1.3 only, the server's key pinned (names are not checked). */
  NetClientOptions clientOptions() {
    return new NetClientOptions()
        .setSsl(true)
        .setUseAlpn(false)
        .setHostnameVerificationAlgorithm("")
        .setEnabledSecureTransportProtocols(Set.of(LinkTls.PROTOCOL))
        .setKeyCertOptions(KeyCertOptions.wrap(tls.keyManager()))
        .setTrustOptions(TrustOptions.wrap(tls.trustManager()));
  }

  /** Counts a handshake that failed on the packet port, by the reason in its cause chain. */
  void refusedInbound(Throwable failure) {
    refusedInbound(LinkRefusal.of(failure));
  }

  void refusedInbound(LinkRefusal reason) {
    metrics.linkRefused(reason);
    LOG.log(System.Logger.Level.DEBUG, "refused a packet link: {0}", reason.label());
  }

  /** Registers the gauge of outbound links open now. */
  void countOpen(Supplier<Number> open) {
    metrics.linksOpen(open);
  }

  /**
   * Counts an outbound link that failed to open (a wrong peer, counted by {@link
   * #reachedListedNode}, is one too).
   */
  void failedToOpen() {
    metrics.linkFailure();
  }

  /**
   * Counts an outbound connect that failed, and the refusal by its reason if the peer was refused.
   */
  void failedOutbound(Throwable failure) {
    metrics.linkFailure();
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof LinkRefusedException refused) {
        metrics.linkRefused(refused.refusal());
        return;
      }
    }
  }

  /** Counts an open inbound link closed because the topology no longer allows its peer. */
  void removed() {
    metrics.linkRefused(LinkRefusal.REMOVED);
  }

  /**
   * Whether an outbound link to {@code host:port} reached a node the topology in force lists there;
   * counts {@code wrong_peer} when not (the caller closes it before writing a byte).
   */
  boolean reachedListedNode(String host, int port, NetSocket socket) {
    RouterState now = state.get();
    Key32 peer = peerOf(socket);
    if (now != null
        && peer != null
        && LinkPeers.listedAt(now.topology(), host, port).contains(peer)) {
      return true;
    }
    metrics.linkRefused(LinkRefusal.WRONG_PEER);
    LOG.log(
        System.Logger.Level.WARNING,
        "packet link to {0}:{1,number,#} reached identity {2}, not the one the topology lists",
        host,
        port,
        peer);
    return false;
  }

  /**
   * Gives a link's channel Netty's pooled allocator, as the mixnode's links have (docs/mixnode.md):
   * Vert.x's default serves heap buffers unpooled, and the JDK's TLS engine takes one the size of a
   * whole record (≈ 16.7 KB) for every write, most packets being a record of their own. Safe here:
   * the router's link handlers are Vert.x's, which copy every buffer they hand up and release it.
   */
  static void usePooledBuffers(NetSocket socket) {
    ((NetSocketInternal) socket)
        .channelHandlerContext()
        .channel()
        .config()
        .setAllocator(PooledByteBufAllocator.DEFAULT);
  }

  /** The peer's pinned identity on a TLS link, or null when it has none. */
  static Key32 peerOf(NetSocket socket) {
    try {
      List<Certificate> chain = socket.peerCertificates();
      return chain == null || chain.isEmpty() ? null : LinkIdentity.keyOf(chain.getFirst());
    } catch (SSLPeerUnverifiedException | LinkRefusedException e) {
      return null;
    }
  }

  private Topology topology() {
    RouterState now = state.get();
    return now == null ? null : now.topology();
  }
}
