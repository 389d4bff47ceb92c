package dev.betanet.router.split;

import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.state.Outcomes;
import dev.betanet.router.state.RouterFailure;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.state.Transport;
import dev.betanet.router.wire.HttpMessages;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sends a flow's request over the flow's transport, applies the topology's fallback policy when the
 * mixnet cannot deliver, and counts every request per transport.
 *
 * <p>The policy may move a request to the tunnel only when the mixnet was {@code unavailable}: no
 * usable node in a layer, decided before any packet of the request left this router. Then {@code
 * STRICT} fails the request with the mixnet's reason, and {@code FALLBACK} sends it over the tunnel
 * and moves the rest of the flow there: a downgrade of anonymity, so it is never silent. The mixnet
 * attempt is counted with outcome {@code downgraded} (a failure, for the operator's judgement of
 * the mixnet), the tunnel's answer under {@code fallback}, the downgrade in {@code
 * betanet_router_downgrades_total{reason}}, and one log line (router and reason, never payload or
 * path).
 *
 * <p>A request whose packets left and got no answer ({@code timeout}) is never resent over the
 * tunnel, whatever the policy: the tunnel's first message names this router to the exit, so a
 * resend would let a silent exit, or anyone who drops the request's packets on the way, learn which
 * router sent the request it just saw arrive through the mixnet (docs/anonymity.md, "Forced
 * fallback"). Such a request fails with the mixnet's 504; under {@code FALLBACK} the withheld
 * downgrade is counted in {@code betanet_router_downgrades_withheld_total{reason}}.
 */
public final class FlowDispatcher {

  private static final System.Logger LOG = System.getLogger(FlowDispatcher.class.getName());

  /** A response and the transport that carried it. */
  public record Delivered(HttpMessages.Response response, Transport transport) {}

  private final Supplier<RouterState> state;
  private final Function<HttpMessages.Request, Future<HttpMessages.Response>> mixnet;
  private final Function<HttpMessages.Request, Future<HttpMessages.Response>> tunnel;
  private final RouterMetrics metrics;
  private final String nodeId;

  public FlowDispatcher(
      String nodeId,
      Supplier<RouterState> state,
      Function<HttpMessages.Request, Future<HttpMessages.Response>> mixnet,
      Function<HttpMessages.Request, Future<HttpMessages.Response>> tunnel,
      RouterMetrics metrics) {
    this.nodeId = nodeId;
    this.state = state;
    this.mixnet = mixnet;
    this.tunnel = tunnel;
    this.metrics = metrics;
  }

  /** Completes with the response, or fails with a {@link RouterFailure} already counted. */
  public Future<Delivered> send(Flow flow, HttpMessages.Request request) {
    long started = System.nanoTime();
    if (flow.transport() == Transport.FALLBACK) {
      return over(Transport.FALLBACK, tunnel, request, started);
    }
    return mixnet
        .apply(request)
        .transform(
            ar -> {
              if (ar.succeeded()) {
                return Future.succeededFuture(counted(Transport.MIXNET, ar.result(), started));
              }
              RouterFailure failure = asFailure(ar.cause());
              if (Outcomes.WITHHELD_DOWNGRADE_REASONS.contains(failure.outcome())
                  && policy() == Topology.FallbackPolicy.FALLBACK) {
                metrics.request(Transport.MIXNET, failure.outcome(), since(started));
                metrics.downgradeWithheld(failure.outcome());
                return Future.failedFuture(
                    new RouterFailure(
                        failure.status(),
                        failure.outcome(),
                        failure.getMessage()
                            + "; not downgraded: the request already left through the mixnet"));
              }
              if (!Outcomes.DOWNGRADE_REASONS.contains(failure.outcome())) {
                metrics.request(Transport.MIXNET, failure.outcome(), since(started));
                return Future.failedFuture(failure);
              }
              if (policy() == Topology.FallbackPolicy.STRICT) {
                metrics.request(Transport.MIXNET, failure.outcome(), since(started));
                return Future.failedFuture(
                    new RouterFailure(
                        failure.status(),
                        failure.outcome(),
                        failure.getMessage() + "; fallback policy strict: not downgraded"));
              }
              metrics.request(Transport.MIXNET, Outcomes.DOWNGRADED, since(started));
              metrics.downgrade(failure.outcome());
              flow.downgrade();
              LOG.log(
                  System.Logger.Level.WARNING,
                  "router {0}: flow downgraded from the mixnet to the fallback tunnel (policy"
                      + " fallback): mixnet {1}",
                  nodeId,
                  failure.outcome());
              return over(Transport.FALLBACK, tunnel, request, System.nanoTime());
            });
  }

  private Future<Delivered> over(
      Transport transport,
      Function<HttpMessages.Request, Future<HttpMessages.Response>> path,
      HttpMessages.Request request,
      long started) {
    return path.apply(request)
        .transform(
            ar -> {
              if (ar.succeeded()) {
                return Future.succeededFuture(counted(transport, ar.result(), started));
              }
              RouterFailure failure = asFailure(ar.cause());
              metrics.request(transport, failure.outcome(), since(started));
              return Future.failedFuture(failure);
            });
  }

  private Delivered counted(Transport transport, HttpMessages.Response response, long started) {
    // The exit reports its own failures (backend down) as 5xx responses with the error header.
    boolean exitError =
        response.status() >= 500
            && response.headers().stream()
                .anyMatch(h -> h.getKey().equalsIgnoreCase(HttpMessages.ERROR_HEADER));
    metrics.request(transport, exitError ? "error" : "ok", since(started));
    return new Delivered(response, transport);
  }

  private Topology.FallbackPolicy policy() {
    RouterState current = state.get();
    // Without a topology there is nothing to downgrade to; strict is the safe reading.
    return current == null
        ? Topology.FallbackPolicy.STRICT
        : current.topology().canary().fallbackPolicy();
  }

  private static RouterFailure asFailure(Throwable cause) {
    return cause instanceof RouterFailure f
        ? f
        : new RouterFailure(502, "error", "internal_error", "internal error at the entry router");
  }

  private static Duration since(long started) {
    return Duration.ofNanos(System.nanoTime() - started);
  }
}
