package dev.betanet.router.connect;

import dev.betanet.router.stream.StreamEndpoint;
import dev.betanet.router.stream.StreamMetrics;
import dev.betanet.router.wire.StreamReset;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * What an entry stream's endpoint tells its owner, the same on both transports: the exit's
 * acceptance completes {@code opened}; the end fails it if it was still pending (a refusal), counts
 * the outcome ({@code refused_<word>} for a stream the exit never accepted), and forgets the stream
 * after {@link EntryOpening#LINGER_MILLIS}, so a late retransmission of the exit's last frames is
 * still answered meanwhile.
 */
final class EntryStreamListener<S> implements StreamEndpoint.Listener {

  private final Vertx vertx;
  private final StreamMetrics metrics;
  private final String transport;
  private final String refusal;
  private final Promise<S> opened;
  private final S stream;
  private final Runnable forget;

  /**
   * @param refusal how a refusal's message starts, the outcome word appended
   * @param forget drops the stream from its owner's tables, once the linger is over
   */
  EntryStreamListener(
      Vertx vertx,
      StreamMetrics metrics,
      String transport,
      String refusal,
      Promise<S> opened,
      S stream,
      Runnable forget) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.transport = transport;
    this.refusal = refusal;
    this.opened = opened;
    this.stream = stream;
    this.forget = forget;
  }

  @Override
  public void opened() {
    opened.tryComplete(stream);
  }

  @Override
  public void finished(String outcome, StreamReset reset) {
    boolean wasOpen = opened.future().succeeded();
    opened.tryFail(
        new StreamRefusal(reset == null ? StreamReset.PROTOCOL : reset, refusal + outcome));
    metrics.finished(transport, wasOpen ? outcome : "refused_" + outcome);
    vertx.setTimer(EntryOpening.LINGER_MILLIS, t -> forget.run());
  }

  @Override
  public void bytes(boolean sent, int count) {
    metrics.bytes(sent, transport, count);
  }

  @Override
  public void retransmitted() {
    metrics.retransmitted();
  }
}
