package dev.betanet.local.api;

import dev.betanet.rbac.BearerTokens;
import dev.betanet.rbac.RbacDispatcher;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * An in-process Kubernetes API (the Fabric8 mock in CRUD mode) on plain HTTP at 127.0.0.1, with the
 * discovery and patch handling kubectl needs, and Kubernetes RBAC ({@link RbacDispatcher}): a
 * caller with a service account's bearer token may do only what the stored Roles, ClusterRoles and
 * bindings grant that account. The kubeconfig written for kubectl holds the administrator's token;
 * in-process clients without credentials are the administrator too. Close it to stop the server.
 */
public final class EmbeddedApiServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(EmbeddedApiServer.class.getName());
  public static final String CONTEXT = "betanet-local";

  private final KubernetesMockServer server;
  private final MockWebServer web;
  private final KubectlFront front;
  private final BearerTokens tokens;
  private final Map<String, String> serviceAccountTokens = new ConcurrentHashMap<>();

  private EmbeddedApiServer(
      KubernetesMockServer server, MockWebServer web, KubectlFront front, BearerTokens tokens) {
    this.server = server;
    this.web = web;
    this.front = front;
    this.tokens = tokens;
  }

  /**
   * Starts the server for clients on a free port, and kubectl's front ({@link KubectlFront}) on
   * {@code port} (0 picks a free port).
   */
  public static EmbeddedApiServer start(int port) throws IOException {
    KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    BearerTokens tokens = new BearerTokens();
    RbacDispatcher rbac = new RbacDispatcher(new KubectlCompatDispatcher(crud), tokens);
    MockWebServer web = new MockWebServer();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), web, new HashMap<>(), new RequestLogDrain(rbac, web), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubectlFront front;
    try {
      front = new KubectlFront(port, url(server), rbac);
    } catch (IOException e) {
      server.destroy();
      throw e;
    }
    LOG.info(
        "embedded Kubernetes API listening on " + url(server) + ", for kubectl on " + front.url());
    return new EmbeddedApiServer(server, web, front, tokens);
  }

  /** Requests the mock web server still holds in its log (at most those in flight). */
  int loggedRequests() {
    return RequestLogDrain.drain(web);
  }

  private static String url(KubernetesMockServer server) {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** The API for the Fabric8 client (websocket watches). */
  public String url() {
    return url(server);
  }

  /** The API for kubectl: the same objects, with watches over chunked HTTP. */
  public String kubectlUrl() {
    return front.url();
  }

  public int port() {
    return server.getPort();
  }

  /** Client configuration for in-process callers (namespace default): the administrator. */
  public Config config() {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url())
        .withNamespace("default")
        .withTrustCerts(true)
        .build();
  }

  /** A new client; the caller closes it. */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(config()).build();
  }

  /**
   * Writes the administrator's kubeconfig (context {@value #CONTEXT}, namespace default) for
   * kubectl.
   */
  public Path writeKubeconfig(Path file) throws IOException {
    return writeKubeconfig(file, kubectlUrl(), tokens.adminToken());
  }

  /**
   * Writes a kubeconfig for a pod's processes (the operator) that run as service account {@code
   * namespace/name}: its token, as kubelet mounts a pod's token, and the mock's own port, where
   * Fabric8 clients watch over websockets. The token stays the same for the account while this
   * server runs.
   */
  public Path writeServiceAccountKubeconfig(Path file, String namespace, String name)
      throws IOException {
    String token =
        serviceAccountTokens.computeIfAbsent(
            namespace + "/" + name, key -> tokens.issue(namespace, name));
    return writeKubeconfig(file, url(), token);
  }

  private static Path writeKubeconfig(Path file, String url, String token) throws IOException {
    String yaml =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
        users:
        - name: %1$s
          user:
            token: %3$s
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: %1$s
            namespace: default
        current-context: %1$s
        """
            .formatted(CONTEXT, url, token);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, yaml);
    return file;
  }

  @Override
  public void close() {
    front.close();
    server.destroy();
  }
}
