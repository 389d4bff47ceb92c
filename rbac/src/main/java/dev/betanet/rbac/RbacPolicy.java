package dev.betanet.rbac;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingList;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleList;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingList;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The permissions the stored Roles, ClusterRoles, RoleBindings and ClusterRoleBindings give a user,
 * read afresh for every decision so a role changed through the API applies to the next request, as
 * on a cluster. A ClusterRoleBinding grants its ClusterRole everywhere; a RoleBinding grants its
 * Role or ClusterRole in the binding's namespace only. A binding whose role does not exist grants
 * nothing. RBAC only adds: what no rule allows is forbidden.
 *
 * <p>Besides the stored objects, every authenticated caller holds what the API server's bootstrap
 * ClusterRoles {@code system:discovery}, {@code system:public-info-viewer} and {@code
 * system:basic-user} give it: discovery, version and health paths, and reviewing its own access.
 *
 * <p>Not modelled: aggregated ClusterRoles ({@code aggregationRule}, whose rules a controller fills
 * in on a cluster; here only the rules written into them count), and the other bootstrap roles
 * (nodes, controllers).
 */
public final class RbacPolicy {

  static final String GROUP = "rbac.authorization.k8s.io";
  private static final String API = "/apis/" + GROUP + "/v1";

  static final List<PolicyRule> AUTHENTICATED =
      List.of(
          new PolicyRuleBuilder()
              .withVerbs("get")
              .withNonResourceURLs(
                  "/api",
                  "/api/*",
                  "/apis",
                  "/apis/*",
                  "/version",
                  "/version/",
                  "/openapi",
                  "/openapi/*",
                  "/healthz",
                  "/livez",
                  "/readyz")
              .build(),
          new PolicyRuleBuilder()
              .withApiGroups("authorization.k8s.io")
              .withResources("selfsubjectaccessreviews", "selfsubjectrulesreviews")
              .withVerbs("create")
              .build(),
          new PolicyRuleBuilder()
              .withApiGroups("authentication.k8s.io")
              .withResources("selfsubjectreviews")
              .withVerbs("create")
              .build());

  private final Function<String, Optional<String>> store;
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  /** {@code store} answers a GET of an API path with the stored JSON, or empty if none. */
  public RbacPolicy(Function<String, Optional<String>> store) {
    this.store = store;
  }

  /** Whether {@code user} may do {@code request}. */
  public boolean allows(UserInfo user, RequestAttributes request) {
    if (user.isAdmin()) {
      return true;
    }
    return rulesFor(user, request.namespace()).stream()
        .anyMatch(rule -> RuleMatch.allows(rule, request));
  }

  /**
   * Every rule that applies to {@code user} in {@code namespace} (the empty string: only
   * cluster-wide grants), the bootstrap rules included.
   */
  public List<PolicyRule> rulesFor(UserInfo user, String namespace) {
    List<PolicyRule> rules = new ArrayList<>();
    if (user.groups().contains("system:authenticated")) {
      rules.addAll(AUTHENTICATED);
    }
    Map<String, ClusterRole> clusterRoles = clusterRoles();
    for (ClusterRoleBinding binding :
        list(API + "/clusterrolebindings", ClusterRoleBindingList.class)) {
      if (binds(binding.getSubjects(), user, "")
          && "ClusterRole".equals(binding.getRoleRef().getKind())) {
        ClusterRole role = clusterRoles.get(binding.getRoleRef().getName());
        if (role != null && role.getRules() != null) {
          rules.addAll(role.getRules());
        }
      }
    }
    if (!namespace.isEmpty()) {
      for (RoleBinding binding :
          list(API + "/namespaces/" + namespace + "/rolebindings", RoleBindingList.class)) {
        if (binds(binding.getSubjects(), user, namespace)) {
          rules.addAll(rulesOf(binding.getRoleRef(), namespace, clusterRoles));
        }
      }
    }
    return rules;
  }

  /** The rules of the role {@code ref} names, seen from {@code namespace}; none if it is absent. */
  List<PolicyRule> rulesOf(RoleRef ref, String namespace, Map<String, ClusterRole> clusterRoles) {
    List<PolicyRule> rules = null;
    if ("ClusterRole".equals(ref.getKind())) {
      ClusterRole role = clusterRoles.get(ref.getName());
      rules = role == null ? null : role.getRules();
    } else if ("Role".equals(ref.getKind())) {
      rules =
          store
              .apply(API + "/namespaces/" + namespace + "/roles/" + ref.getName())
              .map(json -> serialization.unmarshal(json, Role.class).getRules())
              .orElse(null);
    }
    return rules == null ? List.of() : rules;
  }

  /** The rules of the role {@code ref} names, seen from {@code namespace}; none if it is absent. */
  public List<PolicyRule> rulesOf(RoleRef ref, String namespace) {
    return rulesOf(ref, namespace, clusterRoles());
  }

  private Map<String, ClusterRole> clusterRoles() {
    Map<String, ClusterRole> byName = new HashMap<>();
    for (ClusterRole role : list(API + "/clusterroles", ClusterRoleList.class)) {
      byName.put(role.getMetadata().getName(), role);
    }
    return byName;
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> List<T> list(
      String path,
      Class<? extends io.fabric8.kubernetes.api.model.KubernetesResourceList<T>> type) {
    return store
        .apply(path)
        .map(json -> serialization.unmarshal(json, type))
        .map(l -> l.getItems() == null ? List.<T>of() : l.getItems())
        .orElse(List.of());
  }

  /**
   * Whether a subject names the user. A ServiceAccount subject without a namespace means the
   * binding's own namespace (as the API server reads it).
   */
  private static boolean binds(List<Subject> subjects, UserInfo user, String bindingNamespace) {
    if (subjects == null) {
      return false;
    }
    for (Subject subject : subjects) {
      switch (subject.getKind()) {
        case "ServiceAccount" -> {
          String namespace =
              subject.getNamespace() == null || subject.getNamespace().isEmpty()
                  ? bindingNamespace
                  : subject.getNamespace();
          if (user.name()
              .equals(UserInfo.SERVICE_ACCOUNT_PREFIX + namespace + ":" + subject.getName())) {
            return true;
          }
        }
        case "User" -> {
          if (user.name().equals(subject.getName())) {
            return true;
          }
        }
        case "Group" -> {
          if (user.groups().contains(subject.getName())) {
            return true;
          }
        }
        default -> {}
      }
    }
    return false;
  }
}
