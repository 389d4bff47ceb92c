package dev.betanet.operator;

import static org.awaitility.Awaitility.await;

import dev.betanet.operator.crd.AnalysisProvider;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.PrometheusProviderSpec;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The canary analysis provider a scenario runs against, and how the scenario moves the operator's
 * time for it.
 *
 * <p>Direct: the operator scrapes the routers' endpoints itself; time is the test's {@link
 * MovableClock}, moved by whole steps. Prometheus: a real server scrapes the same endpoints and the
 * operator asks it with PromQL at the operator's now; Prometheus stamps samples with the wall
 * clock, so the operator's clock is set to the wall-clock instant of one of Prometheus's scrapes of
 * the router whose counters the test moves, taken after the last change. Windows then begin and end
 * on that router's scrapes, where {@code increase()} is exact, so both providers must see the very
 * same counts.
 */
final class AnalysisSource implements AutoCloseable {

  enum Kind {
    DIRECT,
    PROMETHEUS
  }

  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Kind kind;
  private final MovableClock clock;
  private final PrometheusServer prometheus;
  private final List<RouterMetricsEndpoint> endpoints = new ArrayList<>();
  private String ns;
  private String primary;

  /** The Prometheus target of each router pod. */
  private final Map<String, String> instances = new HashMap<>();

  private long targetsChangedAtMillis;

  AnalysisSource(Kind kind, MovableClock clock) throws IOException {
    this.kind = kind;
    this.clock = clock;
    this.prometheus = kind == Kind.PROMETHEUS ? PrometheusServer.start() : null;
  }

  Kind kind() {
    return kind;
  }

  PrometheusServer prometheus() {
    return prometheus;
  }

  /** Points {@code cluster}'s canary analysis at this provider. */
  void configure(MixnetCluster cluster) {
    if (kind == Kind.PROMETHEUS) {
      cluster.getSpec().canary.analysis.provider = AnalysisProvider.PROMETHEUS;
      cluster.getSpec().canary.analysis.prometheus = new PrometheusProviderSpec();
      cluster.getSpec().canary.analysis.prometheus.address = prometheus.address().toString();
    }
  }

  /**
   * Router {@code pod} of cluster {@code demo} serves its metrics at loopback {@code port} ({@code
   * endpoint} null: nothing listens there). The first router registered with an endpoint is the one
   * whose counters the scenario moves.
   */
  void router(String ns, String pod, int port, RouterMetricsEndpoint endpoint) throws IOException {
    this.ns = ns;
    instances.put(pod, PrometheusServer.instance(port));
    if (endpoint != null) {
      endpoints.add(endpoint);
      if (primary == null) {
        primary = PrometheusServer.instance(port);
      }
    }
    if (prometheus != null) {
      prometheus.router(ns, "demo", pod, port);
      targetsChangedAtMillis = System.currentTimeMillis();
    }
  }

  /** Before the cluster exists: the operator's time starts at a scrape of the routers. */
  void begin() {
    if (prometheus != null) {
      clock.set(scrapeAfter(clock.now(), lastChangeMillis()));
    }
  }

  /** Moves the operator's time on by at least {@code duration}, past the routers' last changes. */
  void advance(Duration duration) {
    if (prometheus == null) {
      clock.advance(duration);
    } else {
      clock.set(scrapeAfter(clock.now().plus(duration), lastChangeMillis()));
    }
  }

  /**
   * Lets the operator see what the routers counted since its time last moved: nothing to do when it
   * scrapes them itself; with Prometheus, its time moves to a scrape that shows it.
   */
  void catchUp() {
    if (prometheus != null) {
      advance(Duration.ofMillis(1));
    }
  }

  /** How many times the operator has read metrics (router scrapes, or queries to Prometheus). */
  long measurements() throws IOException, InterruptedException {
    return prometheus == null
        ? endpoints.stream().mapToLong(RouterMetricsEndpoint::scrapes).sum()
        : prometheus.queriesAnswered();
  }

  private long lastChangeMillis() {
    long last = targetsChangedAtMillis;
    for (RouterMetricsEndpoint endpoint : endpoints) {
      last = Math.max(last, endpoint.changedAtMillis());
    }
    return last;
  }

  /**
   * The instant of a scrape of the primary router at or after {@code atLeast}, taken after {@code
   * changedAtMillis}, by which time every other router target was scraped after it too.
   */
  private Instant scrapeAfter(Instant atLeast, long changedAtMillis) {
    // Every target scraped since the change: the window will show each as it now is.
    Map<String, Long> seen =
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(100))
            .until(
                () -> prometheus.lastScrapes(ns),
                scrapes ->
                    instances.values().stream()
                        .allMatch(i -> scrapes.getOrDefault(i, 0L) > changedAtMillis));
    long others = instances.values().stream().mapToLong(seen::get).max().orElseThrow();
    long floor = Math.max(others, atLeast.toEpochMilli());
    long scrapedAt =
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(100))
            .until(() -> prometheus.lastScrapes(ns).getOrDefault(primary, 0L), t -> t >= floor);
    return Instant.ofEpochMilli(scrapedAt);
  }

  @Override
  public void close() {
    if (prometheus != null) {
      prometheus.close();
    }
  }
}
