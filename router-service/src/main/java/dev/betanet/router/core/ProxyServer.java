package dev.betanet.router.core;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The entry's HTTP proxy port. It takes absolute-form requests ({@code GET http://echo.fog/hello
 * HTTP/1.1}, what any client configured with a proxy sends) for {@code .fog} hosts only: this is
 * not an open proxy, so any other host, origin-form requests and CONNECT are refused. The body is
 * read up to the limit (413 beyond it, decided from Content-Length before reading when there is
 * one), then the request goes to the transport and the client gets its response or a one-line error
 * in {@code X-Betanet-Error}.
 */
public final class ProxyServer {

  public static final String ERROR_HEADER = "X-Betanet-Error";

  private final Vertx vertx;
  private final Function<HttpMessages.Request, Future<HttpMessages.Response>> transport;
  private final RouterMetrics metrics;
  private final int maxBodyBytes;
  private HttpServer server;

  public ProxyServer(
      Vertx vertx,
      Function<HttpMessages.Request, Future<HttpMessages.Response>> transport,
      RouterMetrics metrics,
      int maxBodyBytes) {
    this.vertx = vertx;
    this.transport = transport;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Binds {@code host:port}; completes with the bound port. */
  public Future<Integer> listen(String host, int port) {
    server = vertx.createHttpServer(new HttpServerOptions().setMaxInitialLineLength(16 * 1024));
    server.requestHandler(this::handle);
    return server.listen(port, host).map(HttpServer::actualPort);
  }

  private void handle(HttpServerRequest request) {
    long started = System.nanoTime();
    String host;
    String path;
    try {
      if (request.method() == HttpMethod.CONNECT) {
        throw RouterFailure.rejected(405, "CONNECT is not supported: send http://<name>.fog/ URLs");
      }
      URI uri = new URI(request.uri());
      if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        throw RouterFailure.rejected(
            400, "this is a proxy: send absolute http://<name>.fog/ request URIs");
      }
      host = uri.getHost().toLowerCase(Locale.ROOT);
      if (!host.endsWith(".fog")) {
        throw RouterFailure.rejected(403, "only .fog hosts are reachable here, not " + host);
      }
      String rawPath =
          uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      path = uri.getRawQuery() == null ? rawPath : rawPath + "?" + uri.getRawQuery();
      String length = request.getHeader("content-length");
      if (length != null && Long.parseLong(length.trim()) > maxBodyBytes) {
        throw RouterFailure.rejected(413, "request body over " + maxBodyBytes + " bytes");
      }
    } catch (URISyntaxException | NumberFormatException e) {
      fail(request, started, RouterFailure.rejected(400, "bad request: " + e.getMessage()));
      return;
    } catch (RouterFailure f) {
      fail(request, started, f);
      return;
    }
    readBody(request)
        .compose(body -> transport.apply(toMessage(request, host, path, body)))
        .onSuccess(response -> respond(request, started, response))
        .onFailure(
            e ->
                fail(
                    request,
                    started,
                    e instanceof RouterFailure f
                        ? f
                        : new RouterFailure(502, "error", "internal error: " + e)));
  }

  private Future<Buffer> readBody(HttpServerRequest request) {
    var promise = io.vertx.core.Promise.<Buffer>promise();
    Buffer body = Buffer.buffer();
    request.handler(
        chunk -> {
          if (body.length() + chunk.length() > maxBodyBytes) {
            request.pause();
            promise.tryFail(
                RouterFailure.rejected(413, "request body over " + maxBodyBytes + " bytes"));
          } else {
            body.appendBuffer(chunk);
          }
        });
    request.endHandler(v -> promise.tryComplete(body));
    request.exceptionHandler(promise::tryFail);
    return promise.future();
  }

  private static HttpMessages.Request toMessage(
      HttpServerRequest request, String host, String path, Buffer body) {
    String connection = request.getHeader("connection");
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    request
        .headers()
        .forEach(
            h -> {
              if (!HopByHop.isHopByHop(h.getKey(), connection)) {
                headers.add(Map.entry(h.getKey(), h.getValue()));
              }
            });
    return new HttpMessages.Request(request.method().name(), host, path, headers, body.getBytes());
  }

  private void respond(HttpServerRequest request, long started, HttpMessages.Response response) {
    HttpServerResponse out = request.response().setStatusCode(response.status());
    response.headers().forEach(h -> out.headers().add(h.getKey(), h.getValue()));
    out.end(Buffer.buffer(response.body()));
    // The exit reports its own failures (backend down) as 5xx responses with the error header.
    String outcome =
        response.status() >= 500 && response.headers().stream().anyMatch(ProxyServer::isOurs)
            ? "error"
            : "ok";
    metrics.request(outcome, Duration.ofNanos(System.nanoTime() - started));
  }

  private static boolean isOurs(Map.Entry<String, String> header) {
    return header.getKey().equalsIgnoreCase(ERROR_HEADER);
  }

  private void fail(HttpServerRequest request, long started, RouterFailure failure) {
    metrics.request(failure.outcome(), Duration.ofNanos(System.nanoTime() - started));
    HttpServerResponse out = request.response();
    if (out.ended()) {
      return;
    }
    String reason = failure.getMessage().replace('\r', ' ').replace('\n', ' ');
    out.setStatusCode(failure.status())
        .putHeader(ERROR_HEADER, reason)
        .putHeader("Content-Type", "text/plain; charset=utf-8");
    if (failure.status() == 413) {
      // The rest of the body is not read: close rather than leave the connection out of sync.
      out.putHeader("Connection", "close");
    }
    out.end(reason + "\n");
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
