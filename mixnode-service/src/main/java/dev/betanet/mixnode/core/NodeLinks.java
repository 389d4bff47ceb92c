package dev.betanet.mixnode.core;

import dev.betanet.protocol.link.LinkIdentity;
import dev.betanet.protocol.link.LinkPeerCache;
import dev.betanet.protocol.link.LinkPeers;
import dev.betanet.protocol.link.LinkRefusal;
import dev.betanet.protocol.link.LinkRefusedException;
import dev.betanet.protocol.link.LinkTls;
import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.topology.Topology;
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
import org.jboss.logging.Logger;

/**
 * This mixnode's side of its mutual-TLS packet links (docs/protocol.md, "Links"): the identity it
 * presents, who may connect to it (the layer before it, by the topology in force), and the check
 * that an outbound link reached the node the topology lists at that address. Refusals are counted
 * as {@code links_refused_total{reason}}. Nothing here falls back to plaintext.
 */
final class NodeLinks {

  private static final Logger LOG = Logger.getLogger(NodeLinks.class);

  private final Supplier<ActiveState> state;
  private final MixnodeMetrics metrics;
  private final LinkTls tls;
  private final LinkPeerCache inbound;
  private final LinkPeerCache outbound;

  NodeLinks(String nodeId, Supplier<ActiveState> state, MixnodeMetrics metrics) {
    this.state = state;
    this.metrics = metrics;
    this.inbound = new LinkPeerCache(this::topology, t -> LinkPeers.intoMixnode(t, nodeId));
    this.outbound = new LinkPeerCache(this::topology, LinkPeers::anyNode);
    this.tls = new LinkTls(null, inbound::get, outbound::get);
  }

  /** Takes up the identity of a newly accepted state; links opened from now on present it. */
  void apply(ActiveState next) {
    LinkIdentity current = tls.identity();
    if (current == null || !current.publicKey().equals(next.files().keys().identityPublic())) {
      tls.use(LinkIdentity.of(next.files().keys()));
    }
  }

  /** Who may send to this node under the topology in force (null before one is loaded). */
  LinkPeers inboundPeers() {
    return inbound.get();
  }

  /**
   * The packet port's options: as {@link #serverOptions(LinkTls)}, but the connection starts as TCP
   * and {@link PacketServer} upgrades it at once, so a handshake in progress can be counted against
   * {@link dev.betanet.protocol.link.PendingHandshakes}.
   */
  NetServerOptions serverOptions() {
    return serverOptions(tls).setSsl(false);
  }

  NetClientOptions clientOptions() {
    return clientOptions(tls);
  }

  /** Packet-port options: TLS 1.3 only, a client certificate required, judged by {@code tls}. */
  static NetServerOptions serverOptions(LinkTls tls) {
    return new NetServerOptions()
        .setSsl(true)
        .setClientAuth(ClientAuth.REQUIRED)
        .setUseAlpn(false)
        .setEnabledSecureTransportProtocols(Set.of(LinkTls.PROTOCOL))
        .setKeyCertOptions(KeyCertOptions.wrap(tls.keyManager()))
        .setTrustOptions(TrustOptions.wrap(tls.trustManager()));
  }

  /** Outbound link options: TLS 1.3 only, presenting and judging by {@code tls}. */
  static NetClientOptions clientOptions(LinkTls tls) {
    return new NetClientOptions()
        .setSsl(true)
        .setUseAlpn(false)
        .setHostnameVerificationAlgorithm("") // the pin is the identity key, not a name
        .setEnabledSecureTransportProtocols(Set.of(LinkTls.PROTOCOL))
        .setKeyCertOptions(KeyCertOptions.wrap(tls.keyManager()))
        .setTrustOptions(TrustOptions.wrap(tls.trustManager()));
  }

  /** Counts a handshake that failed on the packet port, by the reason in its cause chain. */
  void refusedInbound(Throwable failure) {
    LinkRefusal reason = LinkRefusal.of(failure);
    metrics.linkRefused(reason);
    LOG.debugf("refused a packet link: %s (%s)", reason.label(), failure.getMessage());
  }

  /** Counts a packet link refused for {@code reason}. */
  void refusedInbound(LinkRefusal reason) {
    metrics.linkRefused(reason);
    LOG.debugf("refused a packet link: %s", reason.label());
  }

  /** Counts an outbound connect that failed because the peer was refused, if that is why. */
  void failedOutbound(RoutingTable.Address address, Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof LinkRefusedException refused) {
        metrics.linkRefused(refused.refusal());
        LOG.debugf("next hop %s refused: %s", address, refused.getMessage());
        return;
      }
    }
  }

  /**
   * Whether an outbound link to {@code address} reached a node the topology in force lists there;
   * counts {@code wrong_peer} when not (the caller closes it before writing a byte).
   */
  boolean reachedListedNode(RoutingTable.Address address, NetSocket socket) {
    ActiveState now = state.get();
    Key32 peer = peerOf(socket);
    if (now != null
        && peer != null
        && LinkPeers.listedAt(now.topology(), address.host(), address.port()).contains(peer)) {
      return true;
    }
    metrics.linkRefused(LinkRefusal.WRONG_PEER);
    LOG.warnf("next hop %s presented identity %s, not the one the topology lists", address, peer);
    return false;
  }

  /**
   * Gives a link's channel Netty's pooled allocator. Vert.x's default serves heap buffers unpooled,
   * and the JDK's TLS engine takes a heap buffer the size of a whole record (≈ 16.7 KB) for every
   * write: on a quiet link, where each packet is a record of its own, that was most of the node's
   * allocation per packet and a young collection every ≈ 130 ms. Safe on links because every buffer
   * their channels hand up is released by our own reader ({@link InboundConnectionReader}) or
   * copied and released by Vert.x's default handler (outbound links, which never receive).
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
    ActiveState now = state.get();
    return now == null ? null : now.topology();
  }
}
