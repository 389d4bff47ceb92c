package dev.betanet.router.proxy;

import dev.betanet.router.connect.ConnectTarget;
import dev.betanet.router.connect.StreamDispatcher;
import dev.betanet.router.connect.StreamRefusal;
import dev.betanet.router.split.CanarySplit;
import dev.betanet.router.split.Flow;
import dev.betanet.router.split.FlowDispatcher;
import dev.betanet.router.state.BodyStreaming;
import dev.betanet.router.state.RouterFailure;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterSettings;
import dev.betanet.router.state.Transport;
import dev.betanet.router.stream.SocketSide;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The entry's HTTP proxy port. It takes absolute-form requests ({@code GET http://echo.fog/hello
 * HTTP/1.1}, what any client configured with a proxy sends) for {@code .fog} hosts only: this is
 * not an open proxy, so any other host and origin-form requests are refused. {@code CONNECT
 * name.fog:port} opens a stream ({@link StreamDispatcher}) over the connection's transport; a
 * CONNECT to anything else is refused with 403 and counted. The body is read up to the limit (413
 * beyond it, decided from Content-Length before reading when there is one), then the request goes
 * to the transport and the client gets its response or a one-line error in {@code X-Betanet-Error}.
 * A body over the stream threshold, or of unknown length, is not read here: the request becomes a
 * {@link StreamedExchange}, streamed both ways over the same transport.
 *
 * <p>Clients are anonymous, so everything one of them can make this port hold is bounded before it
 * is read ({@link RouterSettings.Limits}): connections open at once (more are closed at accept),
 * the time to send a request head (which is also how long an idle keep-alive connection stays), the
 * time a body may go without progress, and, through {@link Admission}, the requests admitted at
 * once ({@code max-in-flight}) and the request bytes they hold together, both checked before a body
 * is read. Past a bound the client gets a 503 (or 408/413) and its connection is closed; every
 * refusal is counted in {@code betanet_router_proxy_refused_total{reason}}.
 *
 * <p>Each client connection is a {@link Flow}: {@link CanarySplit} draws its transport when it
 * opens, and every request on it takes that transport (see {@link FlowDispatcher}). Every response
 * says which transport carried it in {@code X-Betanet-Transport}, so a downgrade is visible to the
 * client too.
 */
public final class ProxyServer {

  public static final String TRANSPORT_HEADER = "X-Betanet-Transport";

  private static final System.Logger LOG = System.getLogger(ProxyServer.class.getName());

  private final Vertx vertx;
  private final CanarySplit split;
  private final FlowDispatcher dispatcher;
  private final RouterMetrics metrics;
  private final int maxBodyBytes;
  private final BodyStreaming bodies;
  private final LargeResponses largeResponses = new LargeResponses();
  private final RouterSettings.Limits limits;
  private final Admission admission;
  private final StreamDispatcher streams;
  private final Map<HttpConnection, ClientConnection> connections = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private HttpServer server;

  public ProxyServer(
      Vertx vertx,
      CanarySplit split,
      FlowDispatcher dispatcher,
      StreamDispatcher streams,
      RouterMetrics metrics,
      RouterSettings settings) {
    this.vertx = vertx;
    this.streams = streams;
    this.split = split;
    this.dispatcher = dispatcher;
    this.metrics = metrics;
    this.maxBodyBytes = settings.maxBodyBytes();
    this.bodies = settings.bodies();
    this.limits = settings.limits();
    this.admission = new Admission(settings.maxInFlight(), settings.limits().maxPendingBodyBytes());
  }

  /** Binds {@code host:port}; completes with the bound port. */
  public Future<Integer> listen(String host, int port) {
    // No h2c detection: it holds a new connection back from the connection handler until its first
    // bytes arrive, so idle connections would escape the cap and the head timer.
    server =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setMaxInitialLineLength(16 * 1024)
                .setHttp2ClearTextEnabled(false));
    server.connectionHandler(this::open);
    server.requestHandler(this::handle);
    return server.listen(port, host).map(HttpServer::actualPort);
  }

  /** Client connections open now. */
  public int flows() {
    return connections.size();
  }

  /** Requests admitted now (from their head to their response). */
  public int admitted() {
    return admission.requests();
  }

  /** Request bytes admitted requests hold now. */
  public long pendingBodyBytes() {
    return admission.bytes();
  }

  /**
   * One client connection: its flow, and the timer that closes it when no request head arrives in
   * time (after it opens, and after each response: an idle keep-alive connection ends the same
   * way).
   */
  private final class ClientConnection {
    final HttpConnection connection;
    final Flow flow;
    private long headTimer = -1;

    ClientConnection(HttpConnection connection, Flow flow) {
      this.connection = connection;
      this.flow = flow;
    }

    synchronized void awaitHead() {
      cancelHeadTimer();
      headTimer =
          vertx.setTimer(
              limits.headerTimeout().toMillis(),
              t -> {
                synchronized (this) {
                  if (headTimer != t) {
                    return;
                  }
                  headTimer = -1;
                }
                metrics.proxyRefused("header_timeout");
                connection.close();
              });
    }

    synchronized void headArrived() {
      cancelHeadTimer();
    }

    private void cancelHeadTimer() {
      if (headTimer >= 0) {
        vertx.cancelTimer(headTimer);
        headTimer = -1;
      }
    }
  }

  private void open(HttpConnection connection) {
    if (open.incrementAndGet() > limits.maxConnections()) {
      open.decrementAndGet();
      metrics.proxyRefused("too_many_connections");
      connection.close();
      return;
    }
    Flow flow = new Flow(split.next());
    metrics.flow(flow.transport());
    var client = new ClientConnection(connection, flow);
    connections.put(connection, client);
    connection.closeHandler(
        v -> {
          connections.remove(connection);
          client.headArrived(); // no timer may outlive the connection
          open.decrementAndGet();
        });
    client.awaitHead();
  }

  private void handle(HttpServerRequest request) {
    long started = System.nanoTime();
    ClientConnection client = connections.get(request.connection());
    if (client == null) {
      // Refused at accept (over the cap) but a request head was already buffered.
      request.connection().close();
      return;
    }
    client.headArrived();
    if (request.method() == HttpMethod.CONNECT) {
      connect(request, client.flow);
      return;
    }
    Admission.Ticket[] ticket = {null};
    request
        .response()
        .endHandler(
            v -> {
              if (ticket[0] != null) {
                ticket[0].release();
              }
              client.awaitHead();
            });
    request
        .response()
        .closeHandler(
            v -> {
              if (ticket[0] != null) {
                ticket[0].release();
              }
            });
    Flow flow = client.flow;
    long declared = 0;
    String host;
    String path;
    try {
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
      if (length != null) {
        declared = Long.parseLong(length.trim());
        if (declared < 0) {
          throw new NumberFormatException("negative Content-Length");
        }
      }
      long limit = streamed(request, declared, host) ? bodies.maxBodyBytes() : maxBodyBytes;
      if (declared > limit) {
        metrics.proxyRefused("body_too_large");
        throw RouterFailure.rejected(413, "request body over " + limit + " bytes");
      }
    } catch (URISyntaxException | NumberFormatException e) {
      rejected(request, flow, started, RouterFailure.rejected(400, "bad request URI or header"));
      return;
    } catch (RouterFailure f) {
      rejected(request, flow, started, f);
      return;
    }
    boolean streamed = streamed(request, declared, host);
    // A streamed body is bounded by its stream's windows, not held here: it counts as in flight
    // only.
    Admission.Decision decision = admission.admit(streamed ? 0 : declared);
    if (decision.refusal() != null) {
      metrics.proxyRefused(decision.refusal().reason);
      rejected(request, flow, started, refusal(decision.refusal()));
      return;
    }
    ticket[0] = decision.ticket();
    Admission.Ticket admitted = ticket[0];
    if (streamed) {
      long length = request.getHeader("content-length") != null ? declared : -1;
      stream(request, flow, host, path, length, started, admitted);
      return;
    }
    boolean lengthKnown = request.getHeader("content-length") != null;
    readBody(request, ticket[0], lengthKnown)
        .onFailure(e -> rejected(request, flow, started, bodyFailure(e)))
        .onSuccess(
            body ->
                dispatcher
                    .send(flow, toMessage(request, host, path, body))
                    .onSuccess(
                        delivered -> {
                          if (largeResponses.bufferedAnswer(
                              host, request.method(), delivered.response())) {
                            // Refused as too large: asked again once, as a stream (GET, HEAD).
                            stream(request, flow, host, path, 0, started, admitted);
                          } else {
                            respond(request, delivered);
                          }
                        })
                    .onFailure(e -> fail(request, flow.transport(), asFailure(e))));
  }

  private void stream(
      HttpServerRequest request,
      Flow flow,
      String host,
      String path,
      long length,
      long started,
      Admission.Ticket ticket) {
    new StreamedExchange(request, flow.transport(), bodies, metrics, started)
        .start(
            streams,
            vertx,
            host,
            StreamedExchange.head(request, host, path, length),
            ticket::release);
  }

  /**
   * Whether a request goes as a stream: a declared body over the threshold, a body of unknown
   * length (chunked), or a name whose responses are too large to buffer ({@link LargeResponses});
   * everything else keeps the buffered path.
   */
  private boolean streamed(HttpServerRequest request, long declared, String host) {
    if (largeResponses.streams(host)) {
      return true;
    }
    boolean lengthKnown = request.getHeader("content-length") != null;
    if (!lengthKnown && request.getHeader("transfer-encoding") == null) {
      return false; // no body at all
    }
    return bodies.streams(lengthKnown ? declared : -1);
  }

  /**
   * {@code CONNECT name.fog:port}: a stream over the flow's transport; the connection becomes the
   * stream once the exit accepted it (200), else it gets the refusal's status. No request body and
   * no admission ticket: a stream's bounds are the stream cap and its windows.
   */
  private void connect(HttpServerRequest request, Flow flow) {
    ConnectTarget target;
    try {
      target = ConnectTarget.parseAuthority(request.uri());
    } catch (StreamRefusal refusal) {
      streams.refused("proxy", refusal.reason());
      fail(request, flow.transport(), RouterFailure.rejected(403, refusal.getMessage()));
      return;
    }
    streams
        .open(flow.transport(), target, vertx.getOrCreateContext())
        .onSuccess(
            opened ->
                request
                    .toNetSocket()
                    .onSuccess(
                        socket -> opened.bind(SocketSide.of(socket, () -> {}), Buffer.buffer()))
                    .onFailure(e -> opened.abort()))
        .onFailure(
            e -> {
              StreamRefusal r =
                  e instanceof StreamRefusal sr
                      ? sr
                      : new StreamRefusal("error", 1, 502, "internal error at the entry router");
              fail(
                  request,
                  flow.transport(),
                  new RouterFailure(r.httpStatus(), "error", r.reason(), r.getMessage()));
            });
  }

  private static RouterFailure refusal(Admission.Refusal refusal) {
    return switch (refusal) {
      case IN_FLIGHT ->
          new RouterFailure(
              503, "overload", "in_flight", "too many requests in flight at this router");
      case PENDING_BYTES ->
          new RouterFailure(
              503, "overload", "pending_bytes", "too many request bytes pending at this router");
    };
  }

  private RouterFailure bodyFailure(Throwable e) {
    if (e instanceof RouterFailure f) {
      return f;
    }
    // The connection broke mid-body: nobody reads this answer, and the cause names nothing the
    // client needs.
    LOG.log(System.Logger.Level.DEBUG, "request body not received: {0}", e.toString());
    return RouterFailure.rejected(400, "body_not_received", "request body not received");
  }

  private static RouterFailure asFailure(Throwable e) {
    if (e instanceof RouterFailure f) {
      return f;
    }
    LOG.log(System.Logger.Level.WARNING, "request failed inside the router: {0}", e.toString());
    return new RouterFailure(502, "error", "internal_error", "internal error at the entry router");
  }

  /** A request refused before any transport saw it: counted here, under the flow's transport. */
  private void rejected(HttpServerRequest request, Flow flow, long started, RouterFailure failure) {
    metrics.request(
        flow.transport(), failure.outcome(), Duration.ofNanos(System.nanoTime() - started));
    fail(request, flow.transport(), failure);
  }

  /**
   * Reads the body within the admitted share: a body without a declared length reserves its bytes
   * as they come, and one that goes {@code body-progress-timeout} without a byte is refused (408).
   */
  private Future<Buffer> readBody(
      HttpServerRequest request, Admission.Ticket ticket, boolean lengthKnown) {
    var promise = io.vertx.core.Promise.<Buffer>promise();
    Buffer body = Buffer.buffer();
    long timeout = limits.bodyProgressTimeout().toMillis();
    long[] lastProgress = {System.nanoTime()};
    long timer =
        vertx.setPeriodic(
            Math.max(1, timeout / 4),
            t -> {
              if (System.nanoTime() - lastProgress[0] >= timeout * 1_000_000L) {
                metrics.proxyRefused("body_timeout");
                request.pause();
                promise.tryFail(
                    RouterFailure.rejected(
                        408, "request body stalled for " + limits.bodyProgressTimeout()));
              }
            });
    promise.future().onComplete(ar -> vertx.cancelTimer(timer));
    request.handler(
        chunk -> {
          if (promise.future().isComplete()) {
            return;
          }
          lastProgress[0] = System.nanoTime();
          if (body.length() + chunk.length() > maxBodyBytes) {
            metrics.proxyRefused("body_too_large");
            request.pause();
            promise.tryFail(
                RouterFailure.rejected(413, "request body over " + maxBodyBytes + " bytes"));
            return;
          }
          if (!lengthKnown) {
            Admission.Refusal refusal = ticket.grow(chunk.length());
            if (refusal != null) {
              metrics.proxyRefused(refusal.reason);
              request.pause();
              promise.tryFail(refusal(refusal));
              return;
            }
          }
          body.appendBuffer(chunk);
        });
    request.endHandler(v -> promise.tryComplete(body));
    request.exceptionHandler(promise::tryFail);
    return promise.future();
  }

  private static HttpMessages.Request toMessage(
      HttpServerRequest request, String host, String path, Buffer body) {
    return new HttpMessages.Request(
        request.method().name(), host, path, HopByHop.endToEnd(request.headers()), body.getBytes());
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
  static void fail(HttpServerRequest request, Transport transport, RouterFailure failure) {
    HttpServerResponse out = request.response();
    if (out.ended() || out.closed()) {
      return;
    }
    String reason = failure.getMessage().replace('\r', ' ').replace('\n', ' ');
    out.setStatusCode(failure.status())
        .putHeader(HttpMessages.ERROR_HEADER, reason)
        .putHeader(HttpMessages.REASON_HEADER, failure.code())
        .putHeader(TRANSPORT_HEADER, transport.label())
        .putHeader("Content-Type", "text/plain; charset=utf-8");
    if (!request.isEnded() && bodyExpected(request)) {
      // The rest of the body is not read: close rather than leave the connection out of sync.
      out.putHeader("Connection", "close");
    }
    out.end(reason + "\n");
  }

  private static boolean bodyExpected(HttpServerRequest request) {
    String length = request.getHeader("content-length");
    return request.getHeader("transfer-encoding") != null
        || (length != null && !length.trim().equals("0"));
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
