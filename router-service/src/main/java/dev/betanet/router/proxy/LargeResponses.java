package dev.betanet.router.proxy;

import dev.betanet.router.wire.HttpMessages;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The .fog names whose responses are too large for the buffered path, learned from the answers this
 * entry relayed, so that a small request to them (a GET, whose response size the entry cannot know
 * in advance) goes as a stream and its response comes back streamed (docs/router.md, "Large
 * bodies").
 *
 * <p>A name is learned when the exit refuses a buffered response to it as too large ({@code
 * backend_response_too_large}), and kept for the router's life: forgetting it on a small answer
 * would make a name that serves both small and large responses pay a second backend call each time
 * it alternates, while keeping it costs its small requests the round trip that opens a stream. An
 * idempotent request (GET, HEAD: RFC 9110 section 9.2.2) refused that way is repeated once as a
 * stream; any other gets the 502.
 *
 * <p>Thread-safe; at most {@link #MAX_NAMES} names (a topology that churns names leaves the rest on
 * the buffered path).
 */
final class LargeResponses {

  static final int MAX_NAMES = 4096;

  private static final Set<HttpMethod> REPEATABLE = Set.of(HttpMethod.GET, HttpMethod.HEAD);

  private final Map<String, Boolean> names = new ConcurrentHashMap<>();

  /** Whether requests to {@code host} should go as streams. */
  boolean streams(String host) {
    return names.containsKey(host);
  }

  /**
   * A buffered answer from {@code host}: learns the name when it was refused as too large.
   *
   * @return whether the request should be repeated as a stream (an idempotent method)
   */
  boolean bufferedAnswer(String host, HttpMethod method, HttpMessages.Response response) {
    boolean tooLarge =
        response.status() == 502
            && response.headers().stream()
                .anyMatch(
                    h ->
                        h.getKey().equalsIgnoreCase(HttpMessages.REASON_HEADER)
                            && "backend_response_too_large".equals(h.getValue()));
    if (!tooLarge) {
      return false;
    }
    learn(host);
    return REPEATABLE.contains(method);
  }

  private void learn(String host) {
    if (names.size() < MAX_NAMES || names.containsKey(host)) {
      names.put(host, Boolean.TRUE);
    }
  }
}
