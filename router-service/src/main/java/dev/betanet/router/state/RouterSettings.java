package dev.betanet.router.state;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A router's settings, independent of Quarkus so tests can start several routers in one JVM. Made
 * with {@link #builder} (the defaults of a deployed router) or {@link #toBuilder}.
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
 * @param bodies which proxy requests are carried as streams, and the largest streamed body
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
    StreamSettings streams,
    BodyStreaming bodies) {

  public RouterSettings {
    services = Map.copyOf(services);
    tcpPorts = Map.copyOf(tcpPorts);
  }

  /**
   * A builder holding the defaults of {@code RouterConfig} (the configuration a deployed router
   * starts from); every setting can be changed, so tests and the Quarkus wiring build settings the
   * same way.
   */
  public static Builder builder(String nodeId, Path keysFile, Path topologyFile) {
    return new Builder(nodeId, keysFile, topologyFile);
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder(nodeId, keysFile, topologyFile)
        .services(services)
        .host(host)
        .proxyPort(proxyPort)
        .packetPort(packetPort)
        .tunnelPort(tunnelPort)
        .requestTimeout(requestTimeout)
        .backendTimeout(backendTimeout)
        .retransmitMargin(retransmitMargin)
        .maxAttempts(maxAttempts)
        .maxBodyBytes(maxBodyBytes)
        .maxInFlight(maxInFlight)
        .initialSurbs(initialSurbs)
        .reloadInterval(reloadInterval)
        .cryptoThreads(cryptoThreads)
        .limits(limits)
        .socksPort(socksPort)
        .tcpPorts(tcpPorts)
        .streams(streams)
        .bodies(bodies);
  }

  /** Builds {@link RouterSettings}; see the record's parameters for what each setting means. */
  public static final class Builder {
    private final String nodeId;
    private final Path keysFile;
    private final Path topologyFile;
    private Map<String, String> services = Map.of();
    private String host = "0.0.0.0";
    private int proxyPort = 8080;
    private int packetPort = 1789;
    private int tunnelPort = 1790;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration backendTimeout = Duration.ofSeconds(10);
    private Duration retransmitMargin = Duration.ofSeconds(1);
    private int maxAttempts = 4;
    private int maxBodyBytes = 1 << 20;
    private int maxInFlight = 256;
    private int initialSurbs = 8;
    private Duration reloadInterval = Duration.ofMillis(500);
    private int cryptoThreads = Runtime.getRuntime().availableProcessors();
    private Limits limits = Limits.DEFAULTS;
    private int socksPort = 1080;
    private Map<String, Map<Integer, String>> tcpPorts = Map.of();
    private StreamSettings streams = StreamSettings.DEFAULTS;
    private BodyStreaming bodies = BodyStreaming.DEFAULTS;

    private Builder(String nodeId, Path keysFile, Path topologyFile) {
      this.nodeId = nodeId;
      this.keysFile = keysFile;
      this.topologyFile = topologyFile;
    }

    public Builder services(Map<String, String> value) {
      this.services = value;
      return this;
    }

    public Builder host(String value) {
      this.host = value;
      return this;
    }

    public Builder proxyPort(int value) {
      this.proxyPort = value;
      return this;
    }

    public Builder packetPort(int value) {
      this.packetPort = value;
      return this;
    }

    public Builder tunnelPort(int value) {
      this.tunnelPort = value;
      return this;
    }

    public Builder requestTimeout(Duration value) {
      this.requestTimeout = value;
      return this;
    }

    public Builder backendTimeout(Duration value) {
      this.backendTimeout = value;
      return this;
    }

    public Builder retransmitMargin(Duration value) {
      this.retransmitMargin = value;
      return this;
    }

    public Builder maxAttempts(int value) {
      this.maxAttempts = value;
      return this;
    }

    public Builder maxBodyBytes(int value) {
      this.maxBodyBytes = value;
      return this;
    }

    public Builder maxInFlight(int value) {
      this.maxInFlight = value;
      return this;
    }

    public Builder initialSurbs(int value) {
      this.initialSurbs = value;
      return this;
    }

    public Builder reloadInterval(Duration value) {
      this.reloadInterval = value;
      return this;
    }

    public Builder cryptoThreads(int value) {
      this.cryptoThreads = value;
      return this;
    }

    public Builder limits(Limits value) {
      this.limits = value;
      return this;
    }

    public Builder socksPort(int value) {
      this.socksPort = value;
      return this;
    }

    public Builder tcpPorts(Map<String, Map<Integer, String>> value) {
      this.tcpPorts = value;
      return this;
    }

    public Builder streams(StreamSettings value) {
      this.streams = value;
      return this;
    }

    public Builder bodies(BodyStreaming value) {
      this.bodies = value;
      return this;
    }

    public RouterSettings build() {
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
          socksPort,
          tcpPorts,
          streams,
          bodies);
    }
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
   * @param sendQueuePackets packets waiting in the send queue at once (what clients' requests make
   *     the router hold before the send rate lets them leave); past it new requests fail with 503
   */
  public record Limits(
      int maxConnections,
      Duration headerTimeout,
      Duration bodyProgressTimeout,
      long maxPendingBodyBytes,
      int maxTunnelHandshakes,
      Duration tunnelHandshakeTimeout,
      int sendQueuePackets) {

    /** The default send queue: 4096 packets, 8 MiB, 41 s of slots at the default rate. */
    public static final int DEFAULT_SEND_QUEUE_PACKETS = 4096;

    public static final Limits DEFAULTS =
        new Limits(
            1024,
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            64L << 20,
            64,
            Duration.ofSeconds(3),
            DEFAULT_SEND_QUEUE_PACKETS);

    public Limits {
      if (maxConnections < 1
          || maxPendingBodyBytes < 1
          || maxTunnelHandshakes < 1
          || sendQueuePackets < 1) {
        throw new IllegalArgumentException(
            "connection, body, handshake and send queue limits must be positive");
      }
    }

    /** Limits with the default send queue. */
    public Limits(
        int maxConnections,
        Duration headerTimeout,
        Duration bodyProgressTimeout,
        long maxPendingBodyBytes,
        int maxTunnelHandshakes,
        Duration tunnelHandshakeTimeout) {
      this(
          maxConnections,
          headerTimeout,
          bodyProgressTimeout,
          maxPendingBodyBytes,
          maxTunnelHandshakes,
          tunnelHandshakeTimeout,
          DEFAULT_SEND_QUEUE_PACKETS);
    }

    /** These limits with another send queue size. */
    public Limits withSendQueuePackets(int packets) {
      return new Limits(
          maxConnections,
          headerTimeout,
          bodyProgressTimeout,
          maxPendingBodyBytes,
          maxTunnelHandshakes,
          tunnelHandshakeTimeout,
          packets);
    }
  }

  /** Largest serialized message (body plus method, path and headers). */
  public int maxMessageBytes() {
    return maxBodyBytes + 64 * 1024;
  }
}
