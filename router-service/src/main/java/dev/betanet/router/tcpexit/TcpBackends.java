package dev.betanet.router.tcpexit;

import dev.betanet.router.wire.StreamReset;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The TCP ports the .fog services of this router declare, each with its one backend: the exit
 * connects to these and nothing else, so a stream can never reach an address the operator did not
 * name (this is not an open proxy at the exit either).
 */
public final class TcpBackends {

  /** A backend address. */
  public record Backend(String host, int port) {}

  /** A lookup: the backend, or why there is none. */
  public record Lookup(Backend backend, StreamReset refusal) {}

  private final Map<String, Map<Integer, Backend>> byName = new HashMap<>();

  /**
   * @param ports .fog name or alias → declared port → backend {@code tcp://host:port}
   * @throws IllegalArgumentException naming the service and port of a malformed backend
   */
  public TcpBackends(Map<String, Map<Integer, String>> ports) {
    ports.forEach(
        (name, declared) -> {
          Map<Integer, Backend> backends = new HashMap<>();
          declared.forEach((port, url) -> backends.put(port, parse(name, port, url)));
          byName.put(name.toLowerCase(Locale.ROOT), Map.copyOf(backends));
        });
  }

  static Backend parse(String name, int port, String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null
        || !"tcp".equals(uri.getScheme())
        || uri.getHost() == null
        || uri.getPort() < 1) {
      throw new IllegalArgumentException(
          "service " + name + " port " + port + ": backend must be tcp://host:port, got " + url);
    }
    return new Backend(uri.getHost(), uri.getPort());
  }

  /** The backend declared for {@code host:port}, or the refusal. */
  public Lookup lookup(String host, int port) {
    Map<Integer, Backend> declared = byName.get(host.toLowerCase(Locale.ROOT));
    if (declared == null) {
      return new Lookup(null, StreamReset.UNKNOWN_NAME);
    }
    Backend backend = declared.get(port);
    return backend == null ? new Lookup(null, StreamReset.NOT_DECLARED) : new Lookup(backend, null);
  }

  public boolean isEmpty() {
    return byName.isEmpty();
  }
}
