package dev.betanet.rbac;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Puts authentication and RBAC in front of an in-process API (a Fabric8 mock dispatcher), in the
 * API server's order: who is calling ({@link BearerTokens}; a bad token is 401), what the request
 * asks ({@link RequestAttributes}), whether the stored RBAC objects allow it ({@link RbacPolicy};
 * if not, 403 with the API server's Status), and for writes of RBAC objects, whether they would
 * grant more than the caller holds ({@link EscalationCheck}). What passes goes to the wrapped
 * dispatcher unchanged, watches (websocket upgrades) included. The wrapped dispatcher is also where
 * the policy reads the RBAC objects, so they are the ones applied through the API.
 */
public final class RbacDispatcher extends Dispatcher {

  private static final Logger LOG = Logger.getLogger(RbacDispatcher.class.getName());

  private final Dispatcher inner;
  private final BearerTokens tokens;
  private final RbacPolicy policy;
  private final EscalationCheck escalation;
  private final AccessReviews reviews;

  public RbacDispatcher(Dispatcher inner, BearerTokens tokens) {
    this.inner = inner;
    this.tokens = tokens;
    this.policy = new RbacPolicy(this::read);
    this.escalation = new EscalationCheck(policy);
    this.reviews = new AccessReviews(policy);
  }

  public RbacPolicy policy() {
    return policy;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Optional<UserInfo> caller = tokens.authenticate(request.getHeader("Authorization"));
    if (caller.isEmpty()) {
      return ApiStatus.unauthorized();
    }
    UserInfo user = caller.get();
    String path = request.getPath();
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    if (AccessReviews.isReview(request.getMethod(), bare)) {
      return reviews.answer(user, bare, request.getUtf8Body());
    }
    if (user.isAdmin()) {
      return inner.dispatch(request);
    }
    RequestAttributes attributes = RequestAttributes.of(request.getMethod(), path);
    if (!policy.allows(user, attributes)) {
      LOG.fine(
          () ->
              "forbidden: "
                  + user.name()
                  + " "
                  + attributes.verb()
                  + " "
                  + attributes.qualifiedResource()
                  + " "
                  + attributes.namespace()
                  + "/"
                  + attributes.name());
      return ApiStatus.forbidden(user, attributes);
    }
    if (EscalationCheck.applies(attributes, request.getHeader("Content-Type"))) {
      // Reading the body consumes it: the wrapped dispatcher gets a copy.
      String body = request.getUtf8Body();
      Optional<String> refusal = escalation.refusal(user, attributes, body);
      if (refusal.isPresent()) {
        return ApiStatus.forbidden(attributes, refusal.get());
      }
      return inner.dispatch(
          new RecordedRequest(
              request.getHttpVersion(),
              request.method(),
              path,
              request.getHeaders(),
              new Buffer().writeUtf8(body)));
    }
    return inner.dispatch(request);
  }

  /**
   * The 401 or 403 answer for a request that a front serving the API by other means (a watch
   * streamed over plain HTTP for kubectl) must refuse, or empty if the caller may make it.
   */
  public Optional<MockResponse> refusal(String method, String path, String authorization) {
    Optional<UserInfo> caller = tokens.authenticate(authorization);
    if (caller.isEmpty()) {
      return Optional.of(ApiStatus.unauthorized());
    }
    RequestAttributes attributes = RequestAttributes.of(method, path);
    if (caller.get().isAdmin() || policy.allows(caller.get(), attributes)) {
      return Optional.empty();
    }
    return Optional.of(ApiStatus.forbidden(caller.get(), attributes));
  }

  /** A stored object or list as JSON, read through the wrapped dispatcher. */
  private Optional<String> read(String path) {
    MockResponse response =
        inner.dispatch(
            new RecordedRequest(
                "HTTP/1.1", HttpMethod.GET, path, Headers.builder().build(), new Buffer()));
    if (response.code() != 200 || response.getBody() == null) {
      return Optional.empty();
    }
    return Optional.of(response.getBody().readUtf8());
  }
}
