package dev.betanet.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.mockwebserver.http.MockResponse;
import java.io.IOException;
import java.util.List;

/**
 * The two reviews a caller may ask about its own access ({@code authorization.k8s.io/v1}), answered
 * from the same policy that authorizes its requests: {@code SelfSubjectRulesReview} (the rules that
 * apply to the caller in a namespace; the Java Operator SDK checks the leader-election Lease this
 * way before electing) and {@code SelfSubjectAccessReview} (whether one request would be allowed;
 * {@code kubectl auth can-i}).
 */
final class AccessReviews {

  static final String RULES = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
  static final String ACCESS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
  static final String WHOAMI = "/apis/authentication.k8s.io/v1/selfsubjectreviews";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RbacPolicy policy;

  AccessReviews(RbacPolicy policy) {
    this.policy = policy;
  }

  static boolean isReview(String method, String bare) {
    return "POST".equals(method)
        && (bare.equals(RULES) || bare.equals(ACCESS) || bare.equals(WHOAMI));
  }

  MockResponse answer(UserInfo user, String bare, String body) {
    JsonNode review;
    try {
      review = JSON.readTree(body);
    } catch (IOException e) {
      return ApiStatus.json(400, badRequest("the review is not JSON: " + e.getMessage()));
    }
    if (review == null || !review.isObject()) {
      return ApiStatus.json(400, badRequest("the review is not a JSON object"));
    }
    ObjectNode answer = ((ObjectNode) review).deepCopy();
    if (bare.equals(WHOAMI)) {
      ObjectNode userInfo = answer.putObject("status").putObject("userInfo");
      userInfo.put("username", user.name());
      userInfo.set("groups", JSON.valueToTree(user.groups()));
    } else if (bare.equals(RULES)) {
      answer.set("status", rules(user, review.path("spec").path("namespace").asText("")));
    } else {
      answer.set("status", access(user, review.path("spec")));
    }
    return ApiStatus.json(201, answer);
  }

  private ObjectNode rules(UserInfo user, String namespace) {
    List<PolicyRule> rules =
        user.isAdmin()
            ? List.of(
                new io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder()
                    .withApiGroups("*")
                    .withResources("*")
                    .withVerbs("*")
                    .build(),
                new io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder()
                    .withNonResourceURLs("*")
                    .withVerbs("*")
                    .build())
            : policy.rulesFor(user, namespace);
    ObjectNode status = JSON.createObjectNode();
    ArrayNode resourceRules = status.putArray("resourceRules");
    ArrayNode nonResourceRules = status.putArray("nonResourceRules");
    for (PolicyRule rule : rules) {
      if (rule.getNonResourceURLs() != null && !rule.getNonResourceURLs().isEmpty()) {
        ObjectNode r = nonResourceRules.addObject();
        r.set("verbs", JSON.valueToTree(rule.getVerbs()));
        r.set("nonResourceURLs", JSON.valueToTree(rule.getNonResourceURLs()));
      } else {
        ObjectNode r = resourceRules.addObject();
        r.set("verbs", JSON.valueToTree(rule.getVerbs()));
        r.set("apiGroups", JSON.valueToTree(rule.getApiGroups()));
        r.set("resources", JSON.valueToTree(rule.getResources()));
        if (rule.getResourceNames() != null && !rule.getResourceNames().isEmpty()) {
          r.set("resourceNames", JSON.valueToTree(rule.getResourceNames()));
        }
      }
    }
    status.put("incomplete", false);
    return status;
  }

  private ObjectNode access(UserInfo user, JsonNode spec) {
    RequestAttributes request;
    JsonNode resource = spec.path("resourceAttributes");
    if (resource.isObject()) {
      request =
          new RequestAttributes(
              resource.path("verb").asText(""),
              true,
              "",
              resource.path("group").asText(""),
              resource.path("version").asText(""),
              resource.path("namespace").asText(""),
              resource.path("resource").asText(""),
              resource.path("subresource").asText(""),
              resource.path("name").asText(""));
    } else {
      JsonNode path = spec.path("nonResourceAttributes");
      request =
          new RequestAttributes(
              path.path("verb").asText(""),
              false,
              path.path("path").asText(""),
              "",
              "",
              "",
              "",
              "",
              "");
    }
    ObjectNode status = JSON.createObjectNode();
    boolean allowed = policy.allows(user, request);
    status.put("allowed", allowed);
    if (!allowed) {
      status.put("reason", "no RBAC rule allows it");
    }
    return status;
  }

  private static ObjectNode badRequest(String message) {
    ObjectNode status = JSON.createObjectNode();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", "BadRequest");
    status.put("code", 400);
    return status;
  }
}
