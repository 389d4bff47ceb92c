package dev.betanet.router.proxy;

import dev.betanet.router.connect.StreamDispatcher;
import dev.betanet.router.connect.StreamRefusal;
import dev.betanet.router.state.BodyStreaming;
import dev.betanet.router.state.Outcomes;
import dev.betanet.router.state.RouterFailure;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.Transport;
import dev.betanet.router.stream.LocalSide;
import dev.betanet.router.stream.StreamEndpoint;
import dev.betanet.router.wire.HttpMessages;
import dev.betanet.router.wire.HttpStreamHeads;
import dev.betanet.router.wire.MessageException;
import dev.betanet.router.wire.StreamReset;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One proxy request carried as a stream (a large or chunked body; docs/router.md, "Large bodies"):
 * the request's head and then its body go into a stream to the exit as the client sends them, and
 * the exit's response head and body come back out to the client as they arrive. The stream's
 * windows pace both directions (the client's socket is paused when the stream's send buffer is
 * full, the stream stops delivering while the client's write queue is full), so neither body is
 * held whole here.
 *
 * <p>The stream takes the request's flow's transport (mixnet or fallback tunnel) and never the
 * other. A request body past {@link BodyStreaming#maxBodyBytes()} gets 413 (the stream is reset); a
 * response body past it is cut (the client's connection is reset rather than handed a truncated
 * body as complete). Lives on the client connection's context.
 */
final class StreamedExchange implements LocalSide {

  private final HttpServerRequest request;
  private final HttpServerResponse out;
  private final Transport transport;
  private final long maxBodyBytes;
  private final RouterMetrics metrics;
  private final long started;
  private final HttpStreamHeads.Reader reader = new HttpStreamHeads.Reader();
  private StreamEndpoint endpoint;
  private long requestBytes;
  private long responseBytes;
  private boolean headSent;
  private boolean done;

  StreamedExchange(
      HttpServerRequest request,
      Transport transport,
      BodyStreaming bodies,
      RouterMetrics metrics,
      long started) {
    this.request = request;
    this.out = request.response();
    this.transport = transport;
    this.maxBodyBytes = bodies.maxBodyBytes();
    this.metrics = metrics;
    this.started = started;
  }

  /**
   * Opens the stream and starts both copies. {@code head} is the request's head; {@code onGone}
   * runs when the client's connection closes (besides resetting the stream).
   */
  void start(StreamDispatcher streams, Vertx vertx, String host, Buffer head, Runnable onGone) {
    if (!request.isEnded()) {
      request.pause(); // held by the connection (TCP back-pressure) until the stream is open
    }
    out.closeHandler(
        v -> {
          onGone.run();
          if (endpoint == null) {
            done = true;
          } else if (!done) {
            endpoint.reset(StreamReset.ABORTED);
          }
          // Done: the response is complete (or already failed and reset), so a client that leaves
          // now ends nothing; the stream finishes its own close (seen: a keep-alive client closing
          // right after its answer reset a stream whose last acknowledgement was on its way).
        });
    streams
        .openHttp(transport, host, vertx.getOrCreateContext())
        .onSuccess(opened -> bind(opened, head))
        .onFailure(this::refused);
  }

  private void bind(StreamDispatcher.Opened opened, Buffer head) {
    if (done) {
      opened.abort(); // the client left while its stream was opening
      return;
    }
    endpoint = opened.attach(this);
    out.drainHandler(v -> endpoint.drained());
    endpoint.offer(head);
    if (request.isEnded()) {
      endpoint.localEnded(); // a request asked again as a stream: its (empty) body was read
      return;
    }
    request.handler(this::requestChunk);
    request.endHandler(v -> endpoint.localEnded());
    request.exceptionHandler(e -> endpoint.reset(StreamReset.ABORTED));
    request.resume();
  }

  private void refused(Throwable e) {
    RouterFailure failure =
        e instanceof StreamRefusal r
            ? new RouterFailure(r.httpStatus(), Outcomes.ERROR, r.reason(), r.getMessage())
            : new RouterFailure(502, Outcomes.ERROR, "internal_error", "internal error");
    finish(failure.outcome());
    ProxyServer.fail(request, transport, failure);
  }

  private void requestChunk(Buffer chunk) {
    if (done) {
      return;
    }
    requestBytes += chunk.length();
    if (requestBytes > maxBodyBytes) {
      metrics.proxyRefused("body_too_large");
      request.pause();
      if (!headSent) {
        // Answered first: the reset below would otherwise answer for a stream that broke.
        finish("rejected");
        ProxyServer.fail(
            request,
            transport,
            RouterFailure.rejected(413, "request body over " + maxBodyBytes + " bytes"));
      }
      endpoint.reset(StreamReset.ABORTED);
      return;
    }
    endpoint.offer(chunk);
  }

  /** Response bytes from the exit: the head first, then the body. */
  @Override
  public boolean write(Buffer data) {
    if (done || out.closed()) {
      return true;
    }
    Buffer body;
    try {
      boolean hadHead = reader.head() != null;
      body = reader.feed(data);
      if (!hadHead && reader.head() != null) {
        sendHead(HttpMessages.decodeResponse(reader.head()));
      }
    } catch (MessageException e) {
      endpoint.reset(StreamReset.PROTOCOL);
      return true;
    }
    if (body.length() == 0) {
      return !out.writeQueueFull();
    }
    responseBytes += body.length();
    if (responseBytes > maxBodyBytes) {
      cut();
      return true;
    }
    out.write(body);
    return !out.writeQueueFull();
  }

  private void sendHead(HttpMessages.Response head) throws MessageException {
    long length = HttpStreamHeads.bodyLength(head.headers());
    boolean bodiless = HttpStreamHeads.bodiless(request.method().name(), head.status());
    if (length > maxBodyBytes && !bodiless) {
      endpoint.reset(StreamReset.ABORTED);
      finish(Outcomes.ERROR);
      ProxyServer.fail(
          request,
          transport,
          new RouterFailure(
              502,
              Outcomes.ERROR,
              "backend_response_too_large",
              "backend response over " + maxBodyBytes + " bytes"));
      return;
    }
    out.setStatusCode(head.status());
    for (Map.Entry<String, String> h : HttpStreamHeads.endToEnd(head.headers(), -1)) {
      out.headers().add(h.getKey(), h.getValue());
    }
    out.headers().set(ProxyServer.TRANSPORT_HEADER, transport.label());
    if (length >= 0 && head.status() != 204) {
      out.putHeader("Content-Length", Long.toString(length)); // a HEAD's or a 304's: metadata
    } else if (!bodiless) {
      out.setChunked(true);
    }
    headSent = true;
  }

  /** A response past the bound: the client must not take what it got for the whole body. */
  private void cut() {
    finish(Outcomes.ERROR);
    metrics.proxyRefused("response_too_large");
    endpoint.reset(StreamReset.ABORTED);
    out.reset();
  }

  /** The exit's FIN: the response is complete. */
  @Override
  public void endOutput() {
    if (done) {
      return;
    }
    if (!headSent) {
      failMidway("the exit ended the exchange without an answer");
      return;
    }
    finish(Outcomes.OK);
    out.end();
    if (!request.isEnded()) {
      // Answered before the client finished its body (an early error): nothing more is read.
      endpoint.localEnded();
      request.connection().close();
    }
  }

  @Override
  public void pauseInput() {
    request.pause();
  }

  @Override
  public void resumeInput() {
    if (!done) {
      request.resume();
    }
  }

  /** The stream is over: fine if the response was complete, else the client learns it failed. */
  @Override
  public void close() {
    if (!done) {
      failMidway("the stream to the exit ended before the response did");
    }
  }

  private void failMidway(String reason) {
    finish(Outcomes.ERROR);
    if (headSent) {
      out.reset(); // the body is incomplete: never end it as if it were whole
    } else {
      ProxyServer.fail(
          request, transport, new RouterFailure(502, Outcomes.ERROR, "stream_reset", reason));
    }
  }

  private void finish(String outcome) {
    if (!done) {
      done = true;
      metrics.request(transport, outcome, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** The head of a streamed request: method, .fog host, path, end-to-end headers, body length. */
  static Buffer head(HttpServerRequest request, String host, String path, long declaredLength) {
    List<Map.Entry<String, String>> headers =
        HttpStreamHeads.endToEnd(request.headers(), declaredLength);
    return HttpStreamHeads.request(request.method().name(), host, path, headers);
  }
}
