package dev.betanet.router.proxy;

import dev.betanet.router.split.CanarySplit;
import dev.betanet.router.split.Flow;
import dev.betanet.router.split.FlowDispatcher;
import dev.betanet.router.state.RouterFailure;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.Transport;
import dev.betanet.router.wire.HopByHop;
import dev.betanet.router.wire.HttpMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
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
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entry's HTTP proxy port. It takes absolute-form requests ({@code GET http://echo.fog/hello
 * HTTP/1.1}, what any client configured with a proxy sends) for {@code .fog} hosts only: this is
 * not an open proxy, so any other host, origin-form requests and CONNECT are refused. The body is
 * read up to the limit (413 beyond it, decided from Content-Length before reading when there is
 * one), then the request goes to the transport and the client gets its response or a one-line error
 * in {@code X-Betanet-Error}.
 *
 * <p>Each client connection is a {@link Flow}: {@link CanarySplit} draws its transport when it
 * opens, and every request on it takes that transport (see {@link FlowDispatcher}). Every response
 * says which transport carried it in {@code X-Betanet-Transport}, so a downgrade is visible to the
 * client too.
 */
public final class ProxyServer {

  public static final String TRANSPORT_HEADER = "X-Betanet-Transport";

  private final Vertx vertx;
  private final CanarySplit split;
  private final FlowDispatcher dispatcher;
  private final RouterMetrics metrics;
  private final int maxBodyBytes;
  private final Map<HttpConnection, Flow> flows = new ConcurrentHashMap<>();
  private HttpServer server;

  public ProxyServer(
      Vertx vertx,
      CanarySplit split,
      FlowDispatcher dispatcher,
      RouterMetrics metrics,
      int maxBodyBytes) {
    this.vertx = vertx;
    this.split = split;
    this.dispatcher = dispatcher;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Binds {@code host:port}; completes with the bound port. */
  public Future<Integer> listen(String host, int port) {
    server = vertx.createHttpServer(new HttpServerOptions().setMaxInitialLineLength(16 * 1024));
    server.connectionHandler(this::open);
    server.requestHandler(this::handle);
    return server.listen(port, host).map(HttpServer::actualPort);
  }

  /** Client connections open now. */
  public int flows() {
    return flows.size();
  }

  private Flow open(HttpConnection connection) {
    Flow flow = new Flow(split.next());
    metrics.flow(flow.transport());
    flows.put(connection, flow);
    connection.closeHandler(v -> flows.remove(connection));
    return flow;
  }

  private void handle(HttpServerRequest request) {
    long started = System.nanoTime();
    Flow flow = flows.get(request.connection());
    if (flow == null) {
      flow = open(request.connection()); // not seen opening (cannot happen for HTTP/1.x)
    }
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
      rejected(
          request, flow, started, RouterFailure.rejected(400, "bad request: " + e.getMessage()));
      return;
    } catch (RouterFailure f) {
      rejected(request, flow, started, f);
      return;
    }
    Flow current = flow;
    readBody(request)
        .onFailure(
            e ->
                rejected(
                    request,
                    current,
                    started,
                    e instanceof RouterFailure f
                        ? f
                        : RouterFailure.rejected(400, "request body not received: " + e)))
        .onSuccess(
            body ->
                dispatcher
                    .send(current, toMessage(request, host, path, body))
                    .onSuccess(delivered -> respond(request, delivered))
                    .onFailure(e -> fail(request, current.transport(), asFailure(e))));
  }

  private static RouterFailure asFailure(Throwable e) {
    return e instanceof RouterFailure f
        ? f
        : new RouterFailure(502, "error", "internal error: " + e);
  }

  /** A request refused before any transport saw it: counted here, under the flow's transport. */
  private void rejected(HttpServerRequest request, Flow flow, long started, RouterFailure failure) {
    metrics.request(
        flow.transport(), failure.outcome(), Duration.ofNanos(System.nanoTime() - started));
    fail(request, flow.transport(), failure);
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

  private void respond(HttpServerRequest request, FlowDispatcher.Delivered delivered) {
    HttpMessages.Response response = delivered.response();
    HttpServerResponse out = request.response();
    if (out.ended() || out.closed()) {
      return;
    }
    out.setStatusCode(response.status());
    response.headers().forEach(h -> out.headers().add(h.getKey(), h.getValue()));
    out.headers().set(TRANSPORT_HEADER, delivered.transport().label());
    out.end(Buffer.buffer(response.body()));
  }

  /** Answers with the failure; counting is the caller's (the dispatcher counts its own). */
  private void fail(HttpServerRequest request, Transport transport, RouterFailure failure) {
    HttpServerResponse out = request.response();
    if (out.ended() || out.closed()) {
      return;
    }
    String reason = failure.getMessage().replace('\r', ' ').replace('\n', ' ');
    out.setStatusCode(failure.status())
        .putHeader(HttpMessages.ERROR_HEADER, reason)
        .putHeader(TRANSPORT_HEADER, transport.label())
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
