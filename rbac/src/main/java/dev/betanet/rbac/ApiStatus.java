package dev.betanet.rbac;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;

/**
 * The {@code Status} bodies the API server answers a refused request with, field for field ({@code
 * k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go}), so clients (kubectl, the
 * Fabric8 client's {@code KubernetesClientException}) see what a cluster would show them.
 */
final class ApiStatus {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ApiStatus() {}

  /** 401: the credentials are not valid. */
  static MockResponse unauthorized() {
    ObjectNode status = status(401, "Unauthorized", "Unauthorized");
    return response(401, status);
  }

  /**
   * 403 for a request RBAC does not allow, e.g. {@code configmaps "x" is forbidden: User
   * "system:serviceaccount:ns:sa" cannot get resource "configmaps" in API group "" in the namespace
   * "ns"}.
   */
  static MockResponse forbidden(UserInfo user, RequestAttributes request) {
    String why;
    if (!request.resourceRequest()) {
      why =
          "User \"%s\" cannot %s path \"%s\""
              .formatted(user.name(), request.verb(), request.path());
      ObjectNode status = status(403, "Forbidden", "forbidden: " + why);
      status.putObject("details");
      return response(403, status);
    }
    String scope =
        request.namespace().isEmpty()
            ? "at the cluster scope"
            : "in the namespace \"" + request.namespace() + "\"";
    why =
        "User \"%s\" cannot %s resource \"%s\" in API group \"%s\" %s"
            .formatted(
                user.name(),
                request.verb(),
                request.qualifiedResource(),
                request.apiGroup(),
                scope);
    return forbidden(request, why);
  }

  /** 403 with the API server's message for {@code request}'s object and the reason {@code why}. */
  static MockResponse forbidden(RequestAttributes request, String why) {
    String qualified =
        request.apiGroup().isEmpty()
            ? request.resource()
            : request.resource() + "." + request.apiGroup();
    String message =
        request.name().isEmpty()
            ? qualified + " is forbidden: " + why
            : qualified + " \"" + request.name() + "\" is forbidden: " + why;
    ObjectNode status = status(403, "Forbidden", message);
    ObjectNode details = status.putObject("details");
    if (!request.name().isEmpty()) {
      details.put("name", request.name());
    }
    if (!request.apiGroup().isEmpty()) {
      details.put("group", request.apiGroup());
    }
    details.put("kind", request.resource());
    return response(403, status);
  }

  private static ObjectNode status(int code, String reason, String message) {
    ObjectNode status = JSON.createObjectNode();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", reason);
    status.put("code", code);
    return status;
  }

  static MockResponse json(int code, Object body) {
    try {
      return new MockResponse()
          .setResponseCode(code)
          .setHeader("Content-Type", "application/json")
          .setBody(JSON.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("BUG: a Status does not serialize", e);
    }
  }

  private static MockResponse response(int code, ObjectNode status) {
    return json(code, status);
  }
}
