package dev.betanet.rbac;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether one rule holds everything another grants, as the API server's escalation check decides it
 * ({@code k8s.io/component-helpers/auth/rbac/validation}): the granted rule is broken into single
 * (group, resource, verb, name) rules, each of which some held rule must cover. A wildcard is
 * covered only by a wildcard; {@code * /status} covers every resource's status.
 */
final class Coverage {

  private Coverage() {}

  static List<PolicyRule> breakDown(PolicyRule rule) {
    List<PolicyRule> atoms = new ArrayList<>();
    for (String group : nonNull(rule.getApiGroups())) {
      for (String resource : nonNull(rule.getResources())) {
        for (String verb : nonNull(rule.getVerbs())) {
          List<String> names = nonNull(rule.getResourceNames());
          if (names.isEmpty()) {
            atoms.add(resourceRule(group, resource, verb, List.of()));
          } else {
            for (String name : names) {
              atoms.add(resourceRule(group, resource, verb, List.of(name)));
            }
          }
        }
      }
    }
    for (String url : nonNull(rule.getNonResourceURLs())) {
      for (String verb : nonNull(rule.getVerbs())) {
        atoms.add(new PolicyRuleBuilder().withNonResourceURLs(url).withVerbs(verb).build());
      }
    }
    return atoms;
  }

  private static PolicyRule resourceRule(
      String group, String resource, String verb, List<String> names) {
    return new PolicyRuleBuilder()
        .withApiGroups(group)
        .withResources(resource)
        .withVerbs(verb)
        .withResourceNames(names)
        .build();
  }

  /** Whether {@code owner} covers {@code atom}, a rule from {@link #breakDown}. */
  static boolean covers(PolicyRule owner, PolicyRule atom) {
    String verb = atom.getVerbs().getFirst();
    if (!RuleMatch.has(owner.getVerbs(), verb)) {
      return false;
    }
    if (!nonNull(atom.getNonResourceURLs()).isEmpty()) {
      return RuleMatch.nonResourceUrlMatches(
          owner.getNonResourceURLs(), atom.getNonResourceURLs().getFirst());
    }
    if (!RuleMatch.has(owner.getApiGroups(), atom.getApiGroups().getFirst())) {
      return false;
    }
    String resource = atom.getResources().getFirst();
    List<String> ownerResources = nonNull(owner.getResources());
    boolean resourceCovered =
        ownerResources.contains(RuleMatch.ALL)
            || ownerResources.contains(resource)
            || (resource.contains("/")
                && ownerResources.contains("*/" + resource.substring(resource.indexOf('/') + 1)));
    if (!resourceCovered) {
      return false;
    }
    List<String> ownerNames = nonNull(owner.getResourceNames());
    if (ownerNames.isEmpty()) {
      return true;
    }
    List<String> names = nonNull(atom.getResourceNames());
    return !names.isEmpty() && ownerNames.contains(names.getFirst());
  }

  /** As the API server lists a missing permission: {APIGroups:[""], Resources:["pods"], ...}. */
  static String describe(PolicyRule atom) {
    StringBuilder s = new StringBuilder("{");
    if (!nonNull(atom.getNonResourceURLs()).isEmpty()) {
      s.append("NonResourceURLs:").append(quoted(atom.getNonResourceURLs()));
    } else {
      s.append("APIGroups:").append(quoted(atom.getApiGroups()));
      s.append(", Resources:").append(quoted(atom.getResources()));
      if (!nonNull(atom.getResourceNames()).isEmpty()) {
        s.append(", ResourceNames:").append(quoted(atom.getResourceNames()));
      }
    }
    return s.append(", Verbs:").append(quoted(atom.getVerbs())).append('}').toString();
  }

  private static String quoted(List<String> values) {
    return values.stream().map(v -> "\"" + v + "\"").toList().toString().replace(", ", " ");
  }

  private static List<String> nonNull(List<String> values) {
    return values == null ? List.of() : values;
  }
}
