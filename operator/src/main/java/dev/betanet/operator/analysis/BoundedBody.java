package dev.betanet.operator.analysis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read as UTF-8 text that fails, instead of growing, past a byte limit: the chunk
 * that would cross the limit is not kept, the subscription is cancelled (the client closes the
 * connection) and the body completes with {@link TooLarge}. So at most {@code limit} bytes are ever
 * held, however much the server sends.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<String> {

  /** The body went past the limit; {@code limit} is in bytes. */
  static final class TooLarge extends IOException {
    TooLarge(int limit) {
      super("metrics page larger than the " + limit + "-byte limit, refused");
    }
  }

  private final int limit;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CompletableFuture<String> body = new CompletableFuture<>();
  private Flow.Subscription subscription;

  BoundedBody(int limit) {
    this.limit = limit;
  }

  static HttpResponse.BodyHandler<String> handler(int limit) {
    return info -> new BoundedBody(limit);
  }

  @Override
  public CompletionStage<String> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    for (ByteBuffer buffer : buffers) {
      if (bytes.size() + buffer.remaining() > limit) {
        subscription.cancel();
        body.completeExceptionally(new TooLarge(limit));
        return;
      }
      byte[] chunk = new byte[buffer.remaining()];
      buffer.get(chunk);
      bytes.writeBytes(chunk);
    }
  }

  /** Bytes held so far; never more than the limit. */
  int held() {
    return bytes.size();
  }

  @Override
  public void onError(Throwable failure) {
    body.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    body.complete(bytes.toString(StandardCharsets.UTF_8));
  }
}
