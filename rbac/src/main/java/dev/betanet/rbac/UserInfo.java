package dev.betanet.rbac;

import java.util.List;

/**
 * Who a request comes from, as the API server's authenticators name callers: a user name and the
 * groups RBAC bindings can name.
 */
public record UserInfo(String name, List<String> groups) {

  public static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  /** The local administrator: group {@code system:masters}, which the API server never checks. */
  public static final UserInfo ADMIN =
      new UserInfo("system:admin", List.of("system:masters", "system:authenticated"));

  /** A caller that sent no credentials ({@code system:anonymous}). */
  public static final UserInfo ANONYMOUS =
      new UserInfo("system:anonymous", List.of("system:unauthenticated"));

  /** {@code system:serviceaccount:NS:NAME}, in the groups every service account token carries. */
  public static UserInfo serviceAccount(String namespace, String name) {
    return new UserInfo(
        SERVICE_ACCOUNT_PREFIX + namespace + ":" + name,
        List.of(
            "system:serviceaccounts",
            "system:serviceaccounts:" + namespace,
            "system:authenticated"));
  }

  public boolean isAdmin() {
    return groups.contains("system:masters");
  }

  /** The namespace of a service account, or null for any other user. */
  public String serviceAccountNamespace() {
    if (!name.startsWith(SERVICE_ACCOUNT_PREFIX)) {
      return null;
    }
    String rest = name.substring(SERVICE_ACCOUNT_PREFIX.length());
    int colon = rest.indexOf(':');
    return colon < 0 ? null : rest.substring(0, colon);
  }

  /** The name of a service account, or null for any other user. */
  public String serviceAccountName() {
    String namespace = serviceAccountNamespace();
    return namespace == null
        ? null
        : name.substring(SERVICE_ACCOUNT_PREFIX.length() + namespace.length() + 1);
  }
}
