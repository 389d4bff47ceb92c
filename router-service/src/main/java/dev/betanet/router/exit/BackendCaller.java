package dev.betanet.router.exit;

import dev.betanet.router.wire.HopByHop;
import dev.betanet.router.wire.HttpMessages;
import dev.betanet.router.wire.MessageException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Calls the backend of a hosted .fog service for one reassembled request and turns whatever happens
 * into an encoded response: the backend's own, or a 502/504 with {@code X-Betanet-Error} saying
 * what went wrong at the exit. It never fails, so the entry always gets an answer.
 */
public final class BackendCaller {

  private static final System.Logger LOG = System.getLogger(BackendCaller.class.getName());

  private final HttpClient client;
  private final Context context;
  private final Map<String, URI> backends;
  private final long timeoutMillis;
  private final int maxBodyBytes;

  /**
   * @param services .fog name or alias (case-insensitive) → backend base URL
   */
  public BackendCaller(
      Vertx vertx, Map<String, String> services, long timeoutMillis, int maxBodyBytes) {
    this.context = vertx.getOrCreateContext();
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setConnectTimeout((int) Math.min(timeoutMillis, 10_000)));
    Map<String, URI> parsed = new java.util.HashMap<>();
    services.forEach((name, url) -> parsed.put(name.toLowerCase(Locale.ROOT), URI.create(url)));
    this.backends = Map.copyOf(parsed);
    this.timeoutMillis = timeoutMillis;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * Calls the backend for an encoded request; completes with an encoded response. Callable from any
   * thread (the exit reassembles requests on crypto threads).
   */
  public Future<byte[]> call(byte[] requestMessage) {
    // The HTTP client must be driven from a Vert.x context: called from another thread, the
    // callback that sets the response's body handler can run after the body has arrived, and the
    // backend's answer reaches the entry as a 200 with an empty body.
    Promise<byte[]> answer = Promise.promise();
    context.runOnContext(v -> callOnContext(requestMessage).onComplete(answer));
    return answer.future();
  }

  private Future<byte[]> callOnContext(byte[] requestMessage) {
    HttpMessages.Request request;
    try {
      request = HttpMessages.decodeRequest(requestMessage);
    } catch (MessageException e) {
      return Future.succeededFuture(
          error(502, "malformed_request", "malformed request at the exit"));
    }
    URI backend = backends.get(request.host().toLowerCase(Locale.ROOT));
    if (backend == null) {
      return Future.succeededFuture(
          error(502, "no_backend", "this exit has no backend for " + request.host()));
    }
    HttpMethod method;
    try {
      method = HttpMethod.valueOf(request.method());
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(
          error(400, "unsupported_method", "unsupported method " + request.method()));
    }
    String basePath = backend.getRawPath() == null ? "" : backend.getRawPath();
    if (basePath.endsWith("/")) {
      basePath = basePath.substring(0, basePath.length() - 1);
    }
    var options =
        new RequestOptions()
            .setMethod(method)
            .setHost(backend.getHost())
            .setPort(backend.getPort() < 0 ? 80 : backend.getPort())
            .setURI(basePath + request.path())
            .setTimeout(timeoutMillis);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    request.headers().forEach(h -> headers.add(h.getKey(), h.getValue()));
    options.setHeaders(headers);
    return client
        .request(options)
        .compose(r -> r.send(Buffer.buffer(request.body())))
        .compose(
            response -> {
              String length = response.getHeader("content-length");
              if (length != null && Long.parseLong(length) > maxBodyBytes) {
                response.request().reset();
                return Future.succeededFuture(tooLarge());
              }
              return response
                  .body()
                  .map(body -> encode(response.statusCode(), response.headers(), body));
            })
        .recover(e -> Future.succeededFuture(failed(request.host(), e)));
  }

  /**
   * The client learns which of a few things went wrong, never the backend's address or the
   * exception: those go to the log (without the request's content).
   */
  private static byte[] failed(String host, Throwable e) {
    LOG.log(System.Logger.Level.WARNING, "backend of {0} failed: {1}", host, e.toString());
    if (e instanceof java.util.concurrent.TimeoutException
        || String.valueOf(e.getMessage()).contains("timeout")) {
      return error(504, "backend_timeout", "backend of " + host + " timed out");
    }
    if (e instanceof java.net.ConnectException) {
      return error(502, "backend_unreachable", "backend of " + host + " unreachable");
    }
    return error(502, "backend_failed", "backend of " + host + " failed");
  }

  private byte[] tooLarge() {
    return error(
        502, "backend_response_too_large", "backend response over " + maxBodyBytes + " bytes");
  }

  private byte[] encode(int status, MultiMap headers, Buffer body) {
    if (body.length() > maxBodyBytes) {
      return tooLarge();
    }
    return HttpMessages.encode(
        new HttpMessages.Response(status, HopByHop.endToEnd(headers), body.getBytes()));
  }

  /**
   * An encoded error response of the exit.
   *
   * @param code the stable reason code ({@code X-Betanet-Reason})
   * @param reason the text ({@code X-Betanet-Error}): nothing internal, an anonymous client reads
   *     it
   */
  public static byte[] error(int status, String code, String reason) {
    return HttpMessages.encode(
        new HttpMessages.Response(
            status,
            List.of(
                Map.entry(HttpMessages.ERROR_HEADER, reason),
                Map.entry(HttpMessages.REASON_HEADER, code),
                Map.entry("Content-Type", "text/plain; charset=utf-8")),
            (reason + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  public Future<Void> close() {
    return client.close();
  }
}
