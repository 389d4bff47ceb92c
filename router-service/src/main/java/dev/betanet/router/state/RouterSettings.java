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
    int cryptoThreads) {

  public RouterSettings {
    services = Map.copyOf(services);
  }

  /** Largest serialized message (body plus method, path and headers). */
  public int maxMessageBytes() {
    return maxBodyBytes + 64 * 1024;
  }
}
