package dev.betanet.rbac;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who a bearer token belongs to. The API server here issues two kinds of token, both random and
 * known only in this process: one administrator token (the local kubeconfig's), and one token per
 * service account asked for ({@link #issue}), as kubelet asks the API server for a pod's token (the
 * TokenRequest API) and mounts it. A caller presents its token as a real API server expects it,
 * {@code Authorization: Bearer <token>}, and is then {@code system:serviceaccount:NS:NAME} to RBAC.
 *
 * <p>A request without credentials is the local administrator: the in-process tooling (the local
 * runtime playing kubelet and controllers, a test playing a user) reaches the API only on loopback,
 * as the API server's old insecure port was reached. An unknown token is refused (401), as the API
 * server refuses one.
 */
public final class BearerTokens {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String adminToken = random("admin");
  private final Map<String, UserInfo> serviceAccounts = new ConcurrentHashMap<>();

  /** The administrator's token, for the kubeconfig written for kubectl. */
  public String adminToken() {
    return adminToken;
  }

  /** A new token for service account {@code namespace/name}. */
  public String issue(String namespace, String name) {
    String token = random("sa");
    serviceAccounts.put(token, UserInfo.serviceAccount(namespace, name));
    return token;
  }

  /**
   * The caller of a request with this {@code Authorization} header value (null when absent), or
   * empty when the credentials are not valid.
   */
  public Optional<UserInfo> authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return Optional.of(UserInfo.ADMIN);
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, "Bearer ".length())) {
      return Optional.empty();
    }
    String token = authorization.substring("Bearer ".length()).trim();
    if (token.equals(adminToken)) {
      return Optional.of(UserInfo.ADMIN);
    }
    return Optional.ofNullable(serviceAccounts.get(token));
  }

  private static String random(String prefix) {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return prefix + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
