package dev.betanet.router.tcpexit;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP backends a streamed HTTP exchange may reach at this exit: the services' own HTTP
 * backends ({@code services.json} {@code backend}), the same the buffered path calls, and nothing
 * else. Makes one {@link HttpStreamBackend} per accepted exchange.
 */
public final class HttpStreamBackends {

  private final Vertx vertx;
  private final HttpClient client;
  private final Map<String, URI> backends;
  private final long maxBodyBytes;
  private final long timeoutMillis;

  /**
   * @param services .fog name or alias (case-insensitive) → backend base URL
   * @param maxBodyBytes the largest streamed request or response body
   * @param timeoutMillis longest the backend may go without sending or taking a byte
   */
  public HttpStreamBackends(
      Vertx vertx, Map<String, String> services, long maxBodyBytes, long timeoutMillis) {
    this.vertx = vertx;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setConnectTimeout((int) Math.min(timeoutMillis, 10_000)));
    Map<String, URI> parsed = new HashMap<>();
    services.forEach((name, url) -> parsed.put(name.toLowerCase(Locale.ROOT), URI.create(url)));
    this.backends = Map.copyOf(parsed);
    this.maxBodyBytes = maxBodyBytes;
    this.timeoutMillis = timeoutMillis;
  }

  /** Whether {@code host} is a service of this exit with an HTTP backend. */
  boolean hosts(String host) {
    return backends.containsKey(host.toLowerCase(Locale.ROOT));
  }

  /** The exit's end of a new exchange, not yet bound to its stream. */
  HttpStreamBackend exchange() {
    return new HttpStreamBackend(vertx, client, backends, maxBodyBytes, timeoutMillis);
  }

  public void close() {
    client.close();
  }
}
