package dev.betanet.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The API server's privilege-escalation prevention for RBAC objects
 * (k8s.io/kubernetes/pkg/registry/rbac): a caller may write a Role or ClusterRole only with rules
 * it holds itself where the role applies (or with the {@code escalate} verb on it), and a
 * RoleBinding or ClusterRoleBinding only to a role whose rules it holds there (or with the {@code
 * bind} verb on that role). This is why the operator's ClusterRole must hold everything the Role it
 * creates for the nodes grants.
 *
 * <p>Writes are judged by the object sent: a create, an update, or a server-side apply, which sends
 * the whole object. A JSON or merge patch of an RBAC object is not judged (it would need the merged
 * result); the operator does not write RBAC objects that way.
 */
final class EscalationCheck {

  private static final Set<String> KINDS =
      Set.of("roles", "clusterroles", "rolebindings", "clusterrolebindings");

  private final RbacPolicy policy;
  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

  EscalationCheck(RbacPolicy policy) {
    this.policy = policy;
  }

  /** Whether the request writes an RBAC object, so that {@link #refusal} must judge it. */
  static boolean applies(RequestAttributes request, String contentType) {
    if (!request.resourceRequest()
        || !RbacPolicy.GROUP.equals(request.apiGroup())
        || !KINDS.contains(request.resource())
        || !request.subresource().isEmpty()) {
      return false;
    }
    return switch (request.verb()) {
      case "create", "update" -> true;
      case "patch" -> contentType != null && contentType.startsWith("application/apply-patch");
      default -> false;
    };
  }

  /** Why the write is refused, or empty when the caller may make it. */
  Optional<String> refusal(UserInfo user, RequestAttributes request, String body) {
    JsonNode object;
    try {
      object = yaml.readTree(body);
    } catch (IOException e) {
      return Optional.empty(); // not an object: the store answers 400 itself
    }
    if (object == null || !object.isObject()) {
      return Optional.empty();
    }
    String namespace = request.namespace();
    List<PolicyRule> wanted;
    boolean binding = request.resource().endsWith("bindings");
    if (binding) {
      RoleRef ref = serialization.convertValue(object.path("roleRef"), RoleRef.class);
      if (ref == null || ref.getName() == null) {
        return Optional.empty();
      }
      String roleResource = "ClusterRole".equals(ref.getKind()) ? "clusterroles" : "roles";
      String roleNamespace = "ClusterRole".equals(ref.getKind()) ? "" : namespace;
      if (policy.allows(user, verbOn("bind", roleResource, roleNamespace, ref.getName()))) {
        return Optional.empty();
      }
      wanted = policy.rulesOf(ref, namespace);
    } else {
      if (policy.allows(
          user, verbOn("escalate", request.resource(), namespace, nameOf(object, request)))) {
        return Optional.empty();
      }
      wanted = new ArrayList<>();
      for (JsonNode rule : object.path("rules")) {
        wanted.add(serialization.convertValue(rule, PolicyRule.class));
      }
    }
    List<PolicyRule> held = policy.rulesFor(user, namespace);
    List<String> missing = new ArrayList<>();
    for (PolicyRule rule : wanted) {
      for (PolicyRule atom : Coverage.breakDown(rule)) {
        if (held.stream().noneMatch(owner -> Coverage.covers(owner, atom))) {
          missing.add(Coverage.describe(atom));
        }
      }
    }
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "user \""
            + user.name()
            + "\" (groups="
            + user.groups().stream().map(g -> "\"" + g + "\"").toList()
            + ") is attempting to grant RBAC permissions not currently held:\n"
            + String.join("\n", missing));
  }

  private static String nameOf(JsonNode object, RequestAttributes request) {
    String name = object.path("metadata").path("name").asText("");
    return name.isEmpty() ? request.name() : name;
  }

  private static RequestAttributes verbOn(
      String verb, String resource, String namespace, String name) {
    return new RequestAttributes(
        verb, true, "", RbacPolicy.GROUP, "v1", namespace, resource, "", name);
  }
}
