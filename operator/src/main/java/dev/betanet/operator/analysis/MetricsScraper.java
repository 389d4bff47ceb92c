package dev.betanet.operator.analysis;

import dev.betanet.protocol.metrics.PrometheusTextParser;
import dev.betanet.protocol.metrics.Scrape;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Reads a router's Prometheus metrics straight from its management port (no Prometheus needed).
 * Never throws: a router that is down, slow, or serves garbage is an {@link Unreachable} with the
 * reason, so one bad router cannot stall or crash an analysis.
 */
public final class MetricsScraper {

  /** The outcome of one scrape. */
  public sealed interface Result permits Scraped, Unreachable {}

  /** The router answered with a valid metrics page. */
  public record Scraped(RequestCounts counts) implements Result {}

  /**
   * The router could not be read; {@code reason} says why (refused connection, timeout, HTTP
   * status, a page over {@link #MAX_BODY_BYTES}, the first malformed line) and goes into the
   * cluster's {@code status.canary.lastAnalysis.unreachable}.
   */
  public record Unreachable(String reason) implements Result {}

  /**
   * Bodies larger than this are refused (never buffered beyond it): a router's metrics page is a
   * few tens of kB.
   */
  static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private final HttpClient client;
  private final Duration timeout;

  public MetricsScraper(Duration timeout) {
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.timeout = timeout;
  }

  /** Scrapes {@code metricsUri} (e.g. {@code http://10.0.0.7:9000/q/metrics}). */
  public CompletableFuture<Result> scrape(URI metricsUri) {
    return read(metricsUri, page -> new Scraped(RequestCounts.from(page)), Unreachable::new);
  }

  /**
   * Reads {@code metricsUri} and hands the parsed page to {@code onPage}, or why it could not be
   * read (the same reasons as {@link Unreachable}) to {@code onFailure}: for readers of other
   * series than the routers' requests (the mixnodes' entropy). {@code onPage} may throw {@link
   * java.util.NoSuchElementException} for a series the page lacks; that is a failure too.
   */
  public <T> CompletableFuture<T> read(
      URI metricsUri, Function<Scrape, T> onPage, Function<String, T> onFailure) {
    HttpRequest request =
        HttpRequest.newBuilder(metricsUri)
            .timeout(timeout)
            .header("Accept", "text/plain")
            .GET()
            .build();
    return client
        .sendAsync(request, BoundedBody.handler(MAX_BODY_BYTES))
        // The request timeout stops at the headers; this bounds a body that trickles forever.
        .orTimeout(2 * timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(response -> parse(response, onPage, onFailure))
        .exceptionally(
            failure -> {
              Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
              if (cause instanceof BoundedBody.TooLarge tooLarge) {
                return onFailure.apply(tooLarge.getMessage());
              }
              return onFailure.apply(
                  cause.getClass().getSimpleName()
                      + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            });
  }

  private static <T> T parse(
      HttpResponse<String> response, Function<Scrape, T> onPage, Function<String, T> onFailure) {
    if (response.statusCode() != 200) {
      return onFailure.apply("HTTP " + response.statusCode());
    }
    Scrape page;
    try {
      page = PrometheusTextParser.parse(response.body());
    } catch (PrometheusTextParser.FormatException e) {
      return onFailure.apply(e.getMessage());
    }
    try {
      return onPage.apply(page);
    } catch (NoSuchElementException e) {
      return onFailure.apply(e.getMessage());
    }
  }
}
