package dev.betanet.protocol.link;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A node's side of its mutual-TLS packet links, as JDK key and trust managers (the services wrap
 * them in Vert.x options; harnesses on blocking sockets use {@link #sslContext()}):
 *
 * <ul>
 *   <li>the key manager presents the node's {@link LinkIdentity}, read at every handshake, so a new
 *       identity is used by the next connection ({@link #use});
 *   <li>the trust manager accepts a peer certificate only when its key is pinned by the topology in
 *       force: for inbound links (the peer is the TLS client) {@code inbound} must allow it; for
 *       outbound ones {@code outbound}. Issuer, validity dates and names are not looked at: the
 *       signed topology is the only trust anchor. A refusal throws {@link LinkRefusedException},
 *       which fails the handshake before any packet byte is read.
 * </ul>
 *
 * Only TLS 1.3 ({@link #PROTOCOL}); nothing falls back to plaintext.
 */
public final class LinkTls {

  /** The one TLS version links speak. */
  public static final String PROTOCOL = "TLSv1.3";

  private static final String ALIAS = "link";

  private final AtomicReference<LinkIdentity> identity;
  private final Supplier<LinkPeers> inbound;
  private final Supplier<LinkPeers> outbound;

  /**
   * @param identity what this node presents; null until {@link #use} (no handshake completes
   *     before)
   * @param inbound who may connect to this node now (null while no topology is loaded: nobody)
   * @param outbound whom this node may connect to now (null: nobody)
   */
  public LinkTls(LinkIdentity identity, Supplier<LinkPeers> inbound, Supplier<LinkPeers> outbound) {
    this.identity = new AtomicReference<>(identity);
    this.inbound = inbound;
    this.outbound = outbound;
  }

  /** Presents {@code next} from the next handshake on; open links keep theirs. */
  public void use(LinkIdentity next) {
    identity.set(Objects.requireNonNull(next));
  }

  /** The identity presented now, or null before {@link #use}. */
  public LinkIdentity identity() {
    return identity.get();
  }

  public X509ExtendedKeyManager keyManager() {
    return new KeyManagerImpl();
  }

  public X509ExtendedTrustManager trustManager() {
    return new TrustManagerImpl();
  }

  /** A TLS 1.3 context over these managers, for blocking sockets. */
  public SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance(PROTOCOL);
      context.init(new KeyManager[] {keyManager()}, new TrustManager[] {trustManager()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("BUG: every JDK 11+ has TLS 1.3", e);
    }
  }

  /**
   * A listening TLS 1.3 socket that requires a client certificate (harnesses that play a node on
   * blocking sockets).
   */
  public SSLServerSocket serverSocket(InetAddress host, int port, int backlog) throws IOException {
    var socket =
        (SSLServerSocket)
            sslContext().getServerSocketFactory().createServerSocket(port, backlog, host);
    socket.setNeedClientAuth(true);
    socket.setEnabledProtocols(new String[] {PROTOCOL});
    return socket;
  }

  /** A TLS 1.3 connection to {@code host:port}, handshake done (blocking harnesses). */
  public SSLSocket connect(InetAddress host, int port) throws IOException {
    var socket = (SSLSocket) sslContext().getSocketFactory().createSocket(host, port);
    socket.setEnabledProtocols(new String[] {PROTOCOL});
    socket.startHandshake();
    return socket;
  }

  private static void check(Supplier<LinkPeers> peers, X509Certificate[] chain)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new LinkRefusedException(LinkRefusal.HANDSHAKE_FAILED, "no peer certificate");
    }
    LinkPeers now = peers.get();
    if (now == null) {
      throw new LinkRefusedException(LinkRefusal.UNKNOWN_PEER, "no topology loaded yet");
    }
    now.check(LinkIdentity.keyOf(chain[0]));
  }

  private final class TrustManagerImpl extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      check(inbound, chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(inbound, chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(inbound, chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      check(outbound, chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(outbound, chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(outbound, chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0]; // no CA: pins only
    }
  }

  private final class KeyManagerImpl extends X509ExtendedKeyManager {
    private static boolean fits(String keyType) {
      return "EdDSA".equalsIgnoreCase(keyType) || "Ed25519".equalsIgnoreCase(keyType);
    }

    private static boolean fitsAny(String[] keyTypes) {
      if (keyTypes != null) {
        for (String keyType : keyTypes) {
          if (fits(keyType)) {
            return true;
          }
        }
      }
      return false;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return fits(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return fitsAny(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return fitsAny(keyType) ? ALIAS : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return fits(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return fits(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return fits(keyType) ? ALIAS : null;
    }

    // The JDK asks for chain and key right after each other; an identity swapped in between (the
    // node's Secret replaced) fails that one handshake, and the next uses the new identity.
    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      LinkIdentity now = identity.get();
      return ALIAS.equals(alias) && now != null ? new X509Certificate[] {now.certificate()} : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      LinkIdentity now = identity.get();
      return ALIAS.equals(alias) && now != null ? now.privateKey() : null;
    }
  }
}
