package dev.betanet.local.api;

import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.concurrent.TimeUnit;

/**
 * Empties the mock web server's request log as requests arrive. {@code MockWebServer} keeps every
 * request it ever received, body included, for tests to take one by one ({@code takeRequest});
 * nothing here takes them, so in a long-running local system the log grew without bound with every
 * watch, status update and kubelet sync (found by {@code make soak}: the API JVM's live heap grew
 * with {@code RecordedRequest}, {@code Headers} and their buffers). The server logs a request
 * before it dispatches it, so draining at dispatch leaves at most the requests in flight.
 */
final class RequestLogDrain extends Dispatcher {

  private final Dispatcher delegate;
  private final MockWebServer server;

  RequestLogDrain(Dispatcher delegate, MockWebServer server) {
    this.delegate = delegate;
    this.server = server;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    drain(server);
    return delegate.dispatch(request);
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }

  /** Takes every logged request off {@code server}'s log without waiting; returns how many. */
  static int drain(MockWebServer server) {
    int taken = 0;
    try {
      while (server.takeRequest(0, TimeUnit.NANOSECONDS) != null) {
        taken++;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return taken;
  }
}
