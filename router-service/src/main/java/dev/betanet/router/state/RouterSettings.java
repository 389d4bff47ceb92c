package dev.betanet.router.state;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A router's settings, independent of Quarkus so tests can start several routers in one JVM.
 *
 * @param services .fog name or alias → backend base URL ({@code http://host:port}) hosted here
 * @param tunnelPort the fallback tunnel's port (1790)
 * @param requestTimeout longest a client waits for an answer before a 504
 * @param backendTimeout longest the exit waits for its backend
 * @param retransmitMargin added to the path's expected round trip before a retransmission
 * @param maxAttempts sends of one request (first plus retransmissions)
 * @param maxBodyBytes largest request and response body
 * @param maxInFlight requests waiting for the mixnet at once at this entry
 * @param initialSurbs SURBs for the response sent with the first request to a .fog name (at least
 *     1); later requests to it send as many as its recent responses needed
 * @param reloadInterval how often the key and topology files are re-read
 * @param limits the bounds on what anonymous clients and unauthenticated peers may hold at once
 * @param socksPort the SOCKS5 port (1080; 0 for any free port)
 * @param tcpPorts .fog name or alias → declared TCP port → backend {@code tcp://host:port}
 * @param streams the bounds and timers of streams
 */
public record RouterSettings(
    String nodeId,
    Path keysFile,
    Path topologyFile,
    Map<String, String> services,
    String host,
    int proxyPort,
    int packetPort,
    int tunnelPort,
    Duration requestTimeout,
    Duration backendTimeout,
    Duration retransmitMargin,
    int maxAttempts,
    int maxBodyBytes,
    int maxInFlight,
    int initialSurbs,
    Duration reloadInterval,
    int cryptoThreads,
    Limits limits,
    int socksPort,
    Map<String, Map<Integer, String>> tcpPorts,
    StreamSettings streams) {

  public RouterSettings {
    services = Map.copyOf(services);
    tcpPorts = Map.copyOf(tcpPorts);
  }

  /** Settings without TCP services, SOCKS on any free port, default stream bounds. */
  public RouterSettings(
      String nodeId,
      Path keysFile,
      Path topologyFile,
      Map<String, String> services,
      String host,
      int proxyPort,
      int packetPort,
      int tunnelPort,
      Duration requestTimeout,
      Duration backendTimeout,
      Duration retransmitMargin,
      int maxAttempts,
      int maxBodyBytes,
      int maxInFlight,
      int initialSurbs,
      Duration reloadInterval,
      int cryptoThreads,
      Limits limits) {
    this(
        nodeId,
        keysFile,
        topologyFile,
        services,
        host,
        proxyPort,
        packetPort,
        tunnelPort,
        requestTimeout,
        backendTimeout,
        retransmitMargin,
        maxAttempts,
        maxBodyBytes,
        maxInFlight,
        initialSurbs,
        reloadInterval,
        cryptoThreads,
        limits,
        0,
        Map.of(),
        StreamSettings.DEFAULTS);
  }

  /** Settings with the default {@link Limits}. */
  public RouterSettings(
      String nodeId,
      Path keysFile,
      Path topologyFile,
      Map<String, String> services,
      String host,
      int proxyPort,
      int packetPort,
      int tunnelPort,
      Duration requestTimeout,
      Duration backendTimeout,
      Duration retransmitMargin,
      int maxAttempts,
      int maxBodyBytes,
      int maxInFlight,
      int initialSurbs,
      Duration reloadInterval,
      int cryptoThreads) {
    this(
        nodeId,
        keysFile,
        topologyFile,
        services,
        host,
        proxyPort,
        packetPort,
        tunnelPort,
        requestTimeout,
        backendTimeout,
        retransmitMargin,
        maxAttempts,
        maxBodyBytes,
        maxInFlight,
        initialSurbs,
        reloadInterval,
        cryptoThreads,
        Limits.DEFAULTS);
  }

  /** These settings with other {@link Limits}. */
  public RouterSettings withLimits(Limits other) {
    return new RouterSettings(
        nodeId,
        keysFile,
        topologyFile,
        services,
        host,
        proxyPort,
        packetPort,
        tunnelPort,
        requestTimeout,
        backendTimeout,
        retransmitMargin,
        maxAttempts,
        maxBodyBytes,
        maxInFlight,
        initialSurbs,
        reloadInterval,
        cryptoThreads,
        other,
        socksPort,
        tcpPorts,
        streams);
  }

  /** These settings with another SOCKS port, TCP services and stream bounds. */
  public RouterSettings withStreams(
      int socks, Map<String, Map<Integer, String>> ports, StreamSettings streamSettings) {
    return new RouterSettings(
        nodeId,
        keysFile,
        topologyFile,
        services,
        host,
        proxyPort,
        packetPort,
        tunnelPort,
        requestTimeout,
        backendTimeout,
        retransmitMargin,
        maxAttempts,
        maxBodyBytes,
        maxInFlight,
        initialSurbs,
        reloadInterval,
        cryptoThreads,
        limits,
        socks,
        ports,
        streamSettings);
  }

  /**
   * What one party the router cannot yet trust may make it hold (docs/security.md): proxy clients
   * are anonymous, and a tunnel peer is a stranger until its handshake completes.
   *
   * @param maxConnections client connections open at once on the proxy port; more are closed at
   *     accept
   * @param headerTimeout longest a proxy connection may take to send a request head, counted from
   *     its opening or from the end of the previous response (so also the keep-alive idle time)
   * @param bodyProgressTimeout longest a request body may go without a byte arriving
   * @param maxPendingBodyBytes request bytes all proxy requests together may hold, from admission
   *     to their response; a request that does not fit is refused (503), not buffered
   * @param maxTunnelHandshakes tunnel connections that have not yet named a router of the topology;
   *     a new one beyond this closes the oldest
   * @param tunnelHandshakeTimeout longest a tunnel handshake may take
   */
  public record Limits(
      int maxConnections,
      Duration headerTimeout,
      Duration bodyProgressTimeout,
      long maxPendingBodyBytes,
      int maxTunnelHandshakes,
      Duration tunnelHandshakeTimeout) {

    public static final Limits DEFAULTS =
        new Limits(
            1024,
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            64L << 20,
            64,
            Duration.ofSeconds(3));

    public Limits {
      if (maxConnections < 1 || maxPendingBodyBytes < 1 || maxTunnelHandshakes < 1) {
        throw new IllegalArgumentException(
            "connection, body and handshake limits must be positive");
      }
    }
  }

  /** Largest serialized message (body plus method, path and headers). */
  public int maxMessageBytes() {
    return maxBodyBytes + 64 * 1024;
  }
}
