package dev.betanet.router;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The router's configuration. The operator sets BETANET_NODE_ID, BETANET_KEYS_FILE,
 * BETANET_TOPOLOGY_FILE and BETANET_SERVICES_FILE; without the first three the router stays live
 * and never becomes ready (its ports are not opened).
 */
@ConfigMapping(prefix = "betanet")
public interface RouterConfig {

  Optional<String> nodeId();

  Optional<Path> keysFile();

  Optional<Path> topologyFile();

  /**
   * A writable directory that outlives the process ({@code BETANET_STATE_DIR}): the last accepted
   * topology is kept there, so a restart refuses an older one. None: a restart accepts any signed
   * topology.
   */
  Optional<Path> stateDir();

  /** JSON {@code {"<fog name or alias>": {"backend": "http://host:port"}}}; none: no exit role. */
  Optional<Path> servicesFile();

  Settings router();

  /** {@code betanet.router.*}. */
  interface Settings {
    @WithDefault("0.0.0.0")
    String host();

    @WithDefault("8080")
    int proxyPort();

    @WithDefault("1789")
    int packetPort();

    /** The fallback tunnel's port. */
    @WithDefault("1790")
    int tunnelPort();

    @WithDefault("30s")
    Duration requestTimeout();

    @WithDefault("10s")
    Duration backendTimeout();

    @WithDefault("1s")
    Duration retransmitMargin();

    @WithDefault("4")
    int maxAttempts();

    /** 1 MiB. */
    @WithDefault("1048576")
    int maxBodyBytes();

    @WithDefault("256")
    int maxInFlight();

    /**
     * SURBs for the response sent with the first request to a .fog name; after that the entry sends
     * as many as that name's recent responses needed. At least 1.
     */
    @WithDefault("8")
    int initialSurbs();

    /**
     * How often the key and topology files are re-read. Half a second, so a canary weight change
     * applies to new flows within a second of the file changing.
     */
    @WithDefault("500ms")
    Duration reloadInterval();

    /** Threads that peel incoming packets; default: the number of cores. */
    OptionalInt cryptoThreads();

    /** Client connections open at once on the proxy port; more are closed at accept. */
    @WithDefault("1024")
    int maxConnections();

    /**
     * Longest a proxy connection may take to send a request head, from its opening or from the end
     * of the previous response (so also how long an idle keep-alive connection stays).
     */
    @WithDefault("10s")
    Duration headerTimeout();

    /** Longest a request body may go without a byte arriving (408 and close beyond). */
    @WithDefault("10s")
    Duration bodyProgressTimeout();

    /**
     * Request bytes all proxy requests together may hold, from admission to their response (64
     * MiB); a request that does not fit is refused with 503 instead of buffered.
     */
    @WithDefault("67108864")
    long maxPendingBodyBytes();

    /** Tunnel connections that have not yet named a router of the topology. */
    @WithDefault("64")
    int maxTunnelHandshakes();

    /** Longest a tunnel handshake may take. */
    @WithDefault("3s")
    Duration tunnelHandshakeTimeout();

    /**
     * Packets the send queue holds while they wait for their slot (the topology's send rate paces
     * them); past it a new request fails at once with 503 {@code send_queue_full}.
     */
    @WithDefault("4096")
    int sendQueuePackets();

    /** The SOCKS5 port (RFC 1928, CONNECT to .fog names only). */
    @WithDefault("1080")
    int socksPort();

    /** Streams open at once, per role (entry, exit); more are refused. */
    @WithDefault("1024")
    int maxStreams();

    /** A stream with nothing sent or received this long is reset. */
    @WithDefault("5m")
    Duration streamIdleTimeout();

    /** A stream's receive buffer and largest window, in segments (about 1.4 kB each). */
    @WithDefault("256")
    int streamWindowSegments();

    /** Longest a SOCKS5 or CONNECT client may take to name its destination. */
    @WithDefault("10s")
    Duration socksHandshakeTimeout();

    /**
     * A proxy request with a larger declared body, or with a body of unknown length (chunked), is
     * carried as a stream, both ways; smaller ones are buffered (up to {@code max-body-bytes}).
     */
    @WithDefault("262144")
    int streamBodyThreshold();

    /** The largest request or response body of a streamed request (64 MiB); 413 beyond. */
    @WithDefault("67108864")
    long maxStreamedBodyBytes();
  }
}
