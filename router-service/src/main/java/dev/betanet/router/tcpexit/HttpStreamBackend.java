package dev.betanet.router.tcpexit;

import dev.betanet.router.stream.LocalSide;
import dev.betanet.router.stream.StreamEndpoint;
import dev.betanet.router.wire.HttpMessages;
import dev.betanet.router.wire.HttpStreamHeads;
import dev.betanet.router.wire.MessageException;
import dev.betanet.router.wire.StreamReset;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The exit's end of one streamed HTTP exchange (docs/router.md, "Large bodies"): reads the request
 * head from the stream, calls the service's HTTP backend once, copies the request body to it as it
 * arrives and its response back into the stream as it comes, with each side's back-pressure (the
 * stream's window, the backend connection's write queue). Neither body is ever held whole.
 *
 * <p>Bounds, whatever the entry sends: the head is at most {@link HttpStreamHeads#MAX_HEAD_BYTES};
 * a request body past {@code maxBodyBytes} or past its declared length resets the stream ({@code
 * protocol_error}) and the backend request. A response declaring more than {@code maxBodyBytes} is
 * answered with a 502 ({@code backend_response_too_large}) instead; one that grows past it mid-body
 * is cut: the stream is reset, so the entry never presents a truncated body as complete. A backend
 * that fails before its response head is answered with the same 502/504 errors as the buffered
 * path. Lives on the stream's context.
 */
final class HttpStreamBackend implements LocalSide {

  private static final System.Logger LOG = System.getLogger(HttpStreamBackend.class.getName());

  private final io.vertx.core.Vertx vertx;
  private final HttpClient client;
  private final Map<String, URI> backends;
  private final long maxBodyBytes;
  private final long timeoutMillis;
  private final HttpStreamHeads.Reader reader = new HttpStreamHeads.Reader();
  private StreamEndpoint endpoint;
  private String host;
  private HttpClientRequest request;
  private HttpClientResponse response;
  private final List<Buffer> early = new ArrayList<>();
  private boolean requestEnded;
  private boolean responseEnded;
  private boolean responding;
  private boolean over;
  private long requestBytes;
  private long declaredRequestBytes = -1;
  private long responseBytes;

  private long lastProgress = System.nanoTime();
  private boolean paused;
  private long timer = -1;

  HttpStreamBackend(
      io.vertx.core.Vertx vertx,
      HttpClient client,
      Map<String, URI> backends,
      long maxBodyBytes,
      long timeoutMillis) {
    this.vertx = vertx;
    this.client = client;
    this.backends = backends;
    this.maxBodyBytes = maxBodyBytes;
    this.timeoutMillis = timeoutMillis;
  }

  /** Starts taking the stream's bytes. */
  void bind(StreamEndpoint to) {
    this.endpoint = to;
    to.attach(this);
  }

  /** Request bytes from the entry. */
  @Override
  public boolean write(Buffer data) {
    if (over) {
      return true;
    }
    Buffer body;
    try {
      boolean hadHead = reader.head() != null;
      body = reader.feed(data);
      if (!hadHead && reader.head() != null) {
        start(HttpMessages.decodeRequest(reader.head()));
      }
    } catch (MessageException e) {
      protocolError("bad stream head: " + e.getMessage());
      return true;
    }
    if (body.length() == 0 || over) {
      return true;
    }
    requestBytes += body.length();
    if (requestBytes > maxBodyBytes
        || (declaredRequestBytes >= 0 && requestBytes > declaredRequestBytes)) {
      protocolError("request body past its bound");
      return true;
    }
    if (request == null) {
      early.add(body); // the backend connection is being made; the window bounds what waits here
      return false;
    }
    request.write(body);
    return !request.writeQueueFull();
  }

  private void start(HttpMessages.Request head) throws MessageException {
    host = head.host();
    URI backend = backends.get(head.host().toLowerCase(java.util.Locale.ROOT));
    if (backend == null) {
      answerError(502, "no_backend", "this exit has no backend for " + head.host());
      return;
    }
    HttpMethod method;
    try {
      method = HttpMethod.valueOf(head.method());
    } catch (IllegalArgumentException e) {
      answerError(400, "unsupported_method", "unsupported method " + head.method());
      return;
    }
    declaredRequestBytes = HttpStreamHeads.bodyLength(head.headers());
    if (declaredRequestBytes > maxBodyBytes) {
      answerError(413, "body_too_large", "request body over " + maxBodyBytes + " bytes");
      return;
    }
    String basePath = backend.getRawPath() == null ? "" : backend.getRawPath();
    if (basePath.endsWith("/")) {
      basePath = basePath.substring(0, basePath.length() - 1);
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (var h : HttpStreamHeads.endToEnd(head.headers(), -1)) {
      headers.add(h.getKey(), h.getValue());
    }
    var options =
        new RequestOptions()
            .setMethod(method)
            .setHost(backend.getHost())
            .setPort(backend.getPort() < 0 ? 80 : backend.getPort())
            .setURI(basePath + head.path())
            .setHeaders(headers);
    // The backend timeout runs only once the request body is complete and while the stream takes
    // the response: a slow upload or a slow reader is the stream's business (its idle timeout).
    timer =
        vertx.setPeriodic(
            Math.max(1, timeoutMillis / 4),
            t -> {
              if (requestEnded
                  && !paused
                  && !responseEnded
                  && System.nanoTime() - lastProgress > timeoutMillis * 1_000_000L) {
                backendFailed(new java.util.concurrent.TimeoutException("timeout"), "idle");
                if (request != null) {
                  request.reset();
                }
              }
            });
    client
        .request(options)
        .onSuccess(this::requestReady)
        .onFailure(e -> backendFailed(e, "connect"));
  }

  private void requestReady(HttpClientRequest ready) {
    if (over) {
      ready.reset();
      return;
    }
    request = ready;
    if (declaredRequestBytes >= 0) {
      ready.putHeader("Content-Length", Long.toString(declaredRequestBytes));
    } else {
      ready.setChunked(true);
    }
    ready.exceptionHandler(e -> backendFailed(e, "request"));
    ready.drainHandler(v -> endpoint.drained());
    ready.response().onSuccess(this::responded).onFailure(e -> backendFailed(e, "response"));
    early.forEach(ready::write);
    early.clear();
    if (requestEnded) {
      ready.end();
    } else {
      ready.sendHead();
    }
    endpoint.drained();
  }

  private void responded(HttpClientResponse answer) {
    if (over) {
      answer.request().reset();
      return;
    }
    String length = answer.getHeader("content-length");
    long declared = -1;
    try {
      declared = length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      declared = -1;
    }
    if (declared > maxBodyBytes
        && !HttpStreamHeads.bodiless(answer.request().getMethod().name(), answer.statusCode())) {
      answerError(
          502, "backend_response_too_large", "backend response over " + maxBodyBytes + " bytes");
      return;
    }
    response = answer;
    responding = true;
    lastProgress = System.nanoTime();
    endpoint.offer(
        HttpStreamHeads.response(
            answer.statusCode(), HttpStreamHeads.endToEnd(answer.headers(), declared)));
    answer.handler(
        chunk -> {
          lastProgress = System.nanoTime();
          responseBytes += chunk.length();
          if (responseBytes > maxBodyBytes) {
            LOG.log(
                System.Logger.Level.INFO, "response of {0} cut at {1} bytes", host, maxBodyBytes);
            over = true;
            answer.request().reset();
            endpoint.reset(StreamReset.ABORTED);
            return;
          }
          endpoint.offer(chunk);
        });
    answer.endHandler(
        v -> {
          responseEnded = true;
          endpoint.localEnded();
        });
    answer.exceptionHandler(e -> backendFailed(e, "response body"));
  }

  /** The backend failed: an error answer while none was begun, else the stream is reset. */
  private void backendFailed(Throwable e, String when) {
    if (over) {
      return;
    }
    LOG.log(System.Logger.Level.WARNING, "backend of {0} failed ({1}): {2}", host, when, e);
    if (responding) {
      over = true;
      endpoint.reset(StreamReset.ABORTED);
      return;
    }
    if (e instanceof java.util.concurrent.TimeoutException
        || String.valueOf(e.getMessage()).contains("timeout")) {
      answerError(504, "backend_timeout", "backend of " + host + " timed out");
    } else if (e instanceof java.net.ConnectException) {
      answerError(502, "backend_unreachable", "backend of " + host + " unreachable");
    } else {
      answerError(502, "backend_failed", "backend of " + host + " failed");
    }
  }

  /**
   * Answers with an error of the exit and ends the stream's output; the rest of the request body is
   * read and dropped (the entry ends its side when it sees the answer).
   */
  private void answerError(int status, String code, String reason) {
    // Over before the reset: resetting fires the request's exception handler at once, which must
    // not answer a second time (it answered "backend_failed" first, seen in a CI run).
    over = true;
    responding = true;
    if (request != null) {
      request.reset();
    }
    endpoint.offer(
        HttpStreamHeads.response(
            status,
            List.of(
                Map.entry(HttpMessages.ERROR_HEADER, reason),
                Map.entry(HttpMessages.REASON_HEADER, code),
                Map.entry("Content-Type", "text/plain; charset=utf-8"))));
    endpoint.offer(Buffer.buffer(reason + "\n"));
    endpoint.localEnded();
  }

  private void protocolError(String why) {
    LOG.log(System.Logger.Level.INFO, "streamed request refused: {0}", why);
    over = true;
    if (request != null) {
      request.reset();
    }
    endpoint.reset(StreamReset.PROTOCOL);
  }

  /** The entry's FIN: the request body is complete. */
  @Override
  public void endOutput() {
    requestEnded = true;
    lastProgress = System.nanoTime();
    if (over) {
      return;
    }
    if (reader.head() == null) {
      protocolError("stream ended before its head");
      return;
    }
    if (declaredRequestBytes >= 0 && requestBytes != declaredRequestBytes) {
      protocolError("request body shorter than declared");
      return;
    }
    if (request != null) {
      request.end();
    }
  }

  @Override
  public void pauseInput() {
    paused = true;
    if (response != null) {
      response.pause();
    }
  }

  @Override
  public void resumeInput() {
    paused = false;
    lastProgress = System.nanoTime();
    if (response != null) {
      response.resume();
    }
  }

  /** The stream is over: a backend exchange still going is abandoned. */
  @Override
  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (request != null && !responseEnded) {
      over = true;
      request.reset();
    }
  }
}
