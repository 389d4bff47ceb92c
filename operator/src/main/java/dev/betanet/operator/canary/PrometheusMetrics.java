package dev.betanet.operator.canary;

import dev.betanet.operator.analysis.PrometheusClient;
import dev.betanet.operator.analysis.PrometheusClient.Answer;
import dev.betanet.operator.analysis.PrometheusClient.Failed;
import dev.betanet.operator.analysis.PrometheusClient.Sample;
import dev.betanet.operator.analysis.PrometheusClient.Series;
import dev.betanet.operator.analysis.PrometheusQueries;
import dev.betanet.operator.analysis.QueriedStats;
import dev.betanet.operator.analysis.RequestCounts;
import dev.betanet.operator.canary.StepWindows.Observation;
import dev.betanet.operator.canary.StepWindows.Observed;
import dev.betanet.operator.canary.StepWindows.StepWindow;
import dev.betanet.operator.canary.StepWindows.Unavailable;
import dev.betanet.operator.crd.AnalysisProvider;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.PrometheusProviderSpec;
import dev.betanet.operator.model.ClusterNames;
import dev.betanet.operator.model.RouterModel;
import dev.betanet.operator.status.StatusText;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The {@code prometheus} provider: asks a Prometheus server, with PromQL over the routers' request
 * metrics ({@link PrometheusQueries}), for the step window's mixnet sample count, error rate and
 * p95, evaluated at the operator's now over the window so far, and the same three for the fallback
 * to show beside them (never judged). Which routers Prometheus last scraped successfully ({@code
 * up}) stands in for which routers answered, so a router Prometheus cannot read holds the step just
 * as with the direct provider.
 *
 * <p>Nothing is followed between reconciles (Prometheus keeps the history): a window is only its
 * start. A query that fails or finds no series makes the window {@link Unavailable}: the step holds
 * and says why; no data is never read as no errors.
 */
@ApplicationScoped
public class PrometheusMetrics implements RequestMetricsProvider {

  public static final String UNREACHABLE = "PrometheusUnreachable";
  public static final String QUERY_FAILED = "PrometheusQueryFailed";
  public static final String NO_DATA = "PrometheusNoData";

  private static final Logger LOG = Logger.getLogger(PrometheusMetrics.class);

  private static final String SAMPLES = "samples";
  private static final String ERROR_RATE = "errorRate";
  private static final String P95 = "p95";
  private static final String ROUTERS_UP = "routersUp";

  /** Prefix of the fallback comparison's answers. */
  private static final String FALLBACK = "fallback ";

  private final PrometheusClient prometheus;
  private final PrometheusToken tokens;

  @Inject
  public PrometheusMetrics(
      PrometheusToken tokens,
      @ConfigProperty(name = "betanet.operator.canary.scrape-timeout", defaultValue = "5s")
          Duration timeout) {
    this.tokens = tokens;
    this.prometheus = new PrometheusClient(timeout);
  }

  @Override
  public AnalysisProvider kind() {
    return AnalysisProvider.PROMETHEUS;
  }

  @Override
  public StepWindow open(
      MixnetCluster cluster,
      int weight,
      Instant stepStartedAt,
      Instant now,
      Observed justObserved) {
    return new StepWindow(weight, stepStartedAt, now, Map.of());
  }

  @Override
  public Observed observe(MixnetCluster cluster, StepWindow window, Instant now) {
    return new Observed(window, measure(cluster, window.startedAt(), now), Map.of());
  }

  private Observation measure(MixnetCluster cluster, Instant startedAt, Instant now) {
    List<String> routers =
        RouterModel.from(cluster).nodes().stream().map(ClusterNames::nodeId).toList();
    PrometheusProviderSpec spec = cluster.getSpec().canary.analysis.prometheus;
    if (spec == null || spec.address == null) {
      return Observation.unavailable(
          routers.size(),
          startedAt,
          new Unavailable(UNREACHABLE, "spec.canary.analysis.prometheus.address is not set"));
    }
    PrometheusToken.Read token = tokens.read(cluster, spec.bearerTokenSecret);
    if (token instanceof PrometheusToken.Missing missing) {
      return Observation.unavailable(
          routers.size(),
          startedAt,
          new Unavailable(PrometheusToken.UNAVAILABLE, missing.message()));
    }
    Optional<String> bearer =
        token instanceof PrometheusToken.Found found
            ? Optional.of(found.token())
            : Optional.empty();
    ClusterNames names = ClusterNames.of(cluster);
    Duration window = Duration.between(startedAt, now);
    PrometheusQueries queries = PrometheusQueries.of(spec.queries);
    URI base = URI.create(spec.address);
    Map<String, String> asks = new LinkedHashMap<>();
    asks.put(SAMPLES, queries.samples());
    asks.put(ERROR_RATE, queries.errorRate());
    asks.put(P95, queries.p95());
    asks.put(ROUTERS_UP, queries.routersUp());
    boolean compared = queries.perTransport();
    if (compared) {
      for (String measure : List.of(SAMPLES, ERROR_RATE, P95)) {
        asks.put(FALLBACK + measure, asks.get(measure));
      }
    }
    Map<String, CompletableFuture<Answer>> asked = new HashMap<>();
    asks.forEach(
        (name, query) ->
            asked.put(
                name,
                prometheus.query(
                    base,
                    PrometheusQueries.render(
                        query,
                        names.namespace(),
                        names.cluster(),
                        name.startsWith(FALLBACK) ? RequestCounts.FALLBACK : RequestCounts.MIXNET,
                        window),
                    now,
                    bearer)));
    Map<String, Answer> answers = new HashMap<>();
    asked.forEach((name, answer) -> answers.put(name, answer.join()));
    try {
      // A failed query is reported before any empty answer: it is what the user must fix.
      for (String name : List.of(SAMPLES, ERROR_RATE, P95, ROUTERS_UP)) {
        series(answers, name);
      }
      Routers up = routers(routers, series(answers, ROUTERS_UP));
      QueriedStats mixnet = stats(answers, "");
      return new Observation(
          mixnet,
          compared ? comparison(answers) : null,
          up.answered(),
          routers.size(),
          up.unreachable(),
          startedAt,
          null);
    } catch (NoAnswer e) {
      return Observation.unavailable(
          routers.size(),
          startedAt,
          new Unavailable(e.why.reason(), "Prometheus at " + shown(base) + ": " + e.why.message()));
    }
  }

  /**
   * One transport's figures from its three answers ({@code prefix} "" for the mixnet).
   *
   * @throws NoAnswer when an answer is missing, NaN or not one series
   */
  private static QueriedStats stats(Map<String, Answer> answers, String prefix) {
    double judged = single(answers, prefix + SAMPLES);
    double errorRate = single(answers, prefix + ERROR_RATE);
    List<Sample> p95 = series(answers, prefix + P95);
    if (Double.isNaN(errorRate) && judged == 0) {
      errorRate = 0; // 0 ÷ 0: no requests, which the judge holds as too few samples.
    }
    if (Double.isNaN(judged) || Double.isNaN(errorRate)) {
      throw new NoAnswer(
          new Unavailable(
              NO_DATA,
              "Prometheus answered NaN for the "
                  + (prefix.isEmpty() ? RequestCounts.MIXNET : RequestCounts.FALLBACK)
                  + " requests"));
    }
    if (p95.size() > 1) {
      throw tooMany(prefix + P95, p95.size());
    }
    if (p95.isEmpty() && judged > 0) {
      throw new NoAnswer(
          new Unavailable(NO_DATA, "the " + prefix + P95 + " query found no latency series"));
    }
    return new QueriedStats(judged, errorRate, p95.isEmpty() ? Double.NaN : p95.getFirst().value());
  }

  /**
   * The fallback's figures, shown beside the mixnet's and never judged: when Prometheus cannot give
   * them (no fallback series yet, say) they are left out rather than holding the step.
   */
  private static QueriedStats comparison(Map<String, Answer> answers) {
    try {
      return stats(answers, FALLBACK);
    } catch (NoAnswer e) {
      LOG.debugf("no fallback comparison from Prometheus: %s", e.why.message());
      return null;
    }
  }

  private record Routers(int answered, List<String> unreachable) {}

  private static Routers routers(List<String> expected, List<Sample> up) {
    if (up.isEmpty()) {
      throw new NoAnswer(
          new Unavailable(
              NO_DATA,
              "no router targets (routersUp query found no series): is it scraping them?"));
    }
    Map<String, Double> byPod = new HashMap<>();
    for (Sample sample : up) {
      String pod = sample.labels().get("pod");
      if (pod == null) {
        throw new NoAnswer(
            new Unavailable(QUERY_FAILED, "the routersUp query's series carry no pod label"));
      }
      // A pod that moved (new IP) has its old target's series until they go stale: the pod
      // answered if its current target did.
      byPod.merge(pod, sample.value(), Math::max);
    }
    int answered = 0;
    List<String> unreachable = new ArrayList<>();
    for (String pod : expected) {
      Double value = byPod.get(pod);
      if (value == null) {
        unreachable.add(pod + ": not a target of Prometheus");
      } else if (value == 1) {
        answered++;
      } else {
        unreachable.add(pod + ": Prometheus's last scrape failed (up " + value + ")");
      }
    }
    return new Routers(answered, List.copyOf(unreachable));
  }

  private static double single(Map<String, Answer> answers, String name) {
    List<Sample> samples = series(answers, name);
    if (samples.isEmpty()) {
      throw new NoAnswer(new Unavailable(NO_DATA, "the " + name + " query found no series"));
    }
    if (samples.size() > 1) {
      throw tooMany(name, samples.size());
    }
    return samples.getFirst().value();
  }

  private static List<Sample> series(Map<String, Answer> answers, String name) {
    return switch (answers.get(name)) {
      case Series series -> series.samples();
      case Failed failed when failed.failure() == PrometheusClient.Failure.UNREACHABLE -> {
        // Exception texts can carry addresses and bodies: the log gets them, status a word.
        LOG.infof("Prometheus %s query unanswered: %s", name, failed.message());
        throw new NoAnswer(
            new Unavailable(
                UNREACHABLE,
                "the " + name + " query failed: " + StatusText.unreachable(failed.message())));
      }
      // Prometheus's own error about a query the spec wrote (errorType: error), cut short.
      case Failed failed ->
          throw new NoAnswer(
              new Unavailable(QUERY_FAILED, "the " + name + " query failed: " + failed.message()));
    };
  }

  private static NoAnswer tooMany(String name, int count) {
    return new NoAnswer(
        new Unavailable(
            QUERY_FAILED,
            "the " + name + " query returned " + count + " series, expected one (aggregate it)"));
  }

  /** The address as status may show it: without user info, query or fragment. */
  private static String shown(URI base) {
    return base.getScheme()
        + "://"
        + base.getHost()
        + (base.getPort() < 0 ? "" : ":" + base.getPort())
        + (base.getRawPath() == null ? "" : base.getRawPath());
  }

  /** Why the answers make no window; unwinds the checks above. */
  private static final class NoAnswer extends RuntimeException {
    private final Unavailable why;

    NoAnswer(Unavailable why) {
      super(why.message(), null, false, false);
      this.why = why;
    }
  }
}
