package dev.betanet.operator.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class BoundedBodyTest {

  /** Records what the body asked of the HTTP client. */
  private static final class Subscription implements Flow.Subscription {
    boolean cancelled;

    @Override
    public void request(long n) {}

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  @Test
  void keepsABodyOfExactlyTheLimit() {
    BoundedBody body = new BoundedBody(10);
    Subscription subscription = new Subscription();
    body.onSubscribe(subscription);

    body.onNext(List.of(ByteBuffer.wrap("12345".getBytes()), ByteBuffer.wrap("67890".getBytes())));
    body.onComplete();

    assertThat(subscription.cancelled).isFalse();
    assertThat(body.getBody().toCompletableFuture().join()).isEqualTo("1234567890");
  }

  @Test
  void cancelsAtTheChunkThatCrossesTheLimitAndNeverHoldsIt() {
    BoundedBody body = new BoundedBody(10);
    Subscription subscription = new Subscription();
    body.onSubscribe(subscription);

    body.onNext(List.of(ByteBuffer.wrap("12345678".getBytes())));
    body.onNext(List.of(ByteBuffer.wrap(new byte[1 << 20])));

    assertThat(subscription.cancelled).isTrue();
    assertThat(body.held()).isEqualTo(8);
    assertThat(catchThrowable(() -> body.getBody().toCompletableFuture().join()))
        .hasCauseInstanceOf(BoundedBody.TooLarge.class)
        .hasMessageEndingWith("metrics page larger than the 10-byte limit, refused");
  }
}
