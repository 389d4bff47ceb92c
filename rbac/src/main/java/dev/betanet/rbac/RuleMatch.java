package dev.betanet.rbac;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;

/**
 * Whether one RBAC rule allows a request, with the API server's semantics ({@code
 * k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go}): {@code *} matches any verb, group or
 * resource; a rule for {@code pods} does not cover {@code pods/status} (subresources are named
 * {@code resource/subresource}, or {@code * /subresource} for every resource's); a rule with {@code
 * resourceNames} allows only requests that name one of them, so never a plain list or create; a
 * resource rule never allows a non-resource path and the other way round.
 */
final class RuleMatch {

  static final String ALL = "*";

  private RuleMatch() {}

  static boolean allows(PolicyRule rule, RequestAttributes request) {
    if (!request.resourceRequest()) {
      return has(rule.getVerbs(), request.verb())
          && nonResourceUrlMatches(rule.getNonResourceURLs(), request.path());
    }
    return has(rule.getVerbs(), request.verb())
        && has(rule.getApiGroups(), request.apiGroup())
        && resourceMatches(rule.getResources(), request.resource(), request.subresource())
        && nameMatches(rule.getResourceNames(), request.name());
  }

  static boolean has(List<String> values, String wanted) {
    if (values == null) {
      return false;
    }
    return values.contains(ALL) || values.contains(wanted);
  }

  static boolean resourceMatches(List<String> rules, String resource, String subresource) {
    if (rules == null) {
      return false;
    }
    String combined = subresource.isEmpty() ? resource : resource + "/" + subresource;
    for (String rule : rules) {
      if (rule.equals(ALL) || rule.equals(combined)) {
        return true;
      }
      if (!subresource.isEmpty() && rule.equals("*/" + subresource)) {
        return true;
      }
    }
    return false;
  }

  static boolean nameMatches(List<String> names, String name) {
    if (names == null || names.isEmpty()) {
      return true;
    }
    return !name.isEmpty() && names.contains(name);
  }

  static boolean nonResourceUrlMatches(List<String> urls, String path) {
    if (urls == null) {
      return false;
    }
    for (String url : urls) {
      if (url.equals(ALL) || url.equals(path)) {
        return true;
      }
      if (url.endsWith("*") && path.startsWith(url.substring(0, url.length() - 1))) {
        return true;
      }
    }
    return false;
  }
}
