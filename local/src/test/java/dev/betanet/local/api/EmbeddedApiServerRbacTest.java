package dev.betanet.local.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RBAC in the embedded API of the local mode: a process with a service account's kubeconfig (what a
 * pod that mounts its token gets) may do only what the install's RBAC grants that account, and is
 * told so as a cluster tells it; the administrator (the kubeconfig for kubectl, in-process tooling)
 * may do anything.
 */
class EmbeddedApiServerRbacTest {

  private static final Path RBAC = Path.of("..", "k8s", "install", "10-rbac.yaml");
  private static final Path NAMESPACE = Path.of("..", "k8s", "install", "00-namespace.yaml");
  private static final String OPERATOR = "system:serviceaccount:betanet-system:betanet-operator";

  @TempDir static Path dir;
  private static EmbeddedApiServer server;
  private static KubernetesClient admin;
  private static KubernetesClient operator;
  private static String operatorToken;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedApiServer.start(0);
    admin = server.newClient();
    for (Path file : new Path[] {NAMESPACE, RBAC}) {
      try (InputStream in = Files.newInputStream(file)) {
        for (HasMetadata item : admin.load(in).items()) {
          admin.resource(item).create();
        }
      }
    }
    for (String name : new String[] {"x", "y"}) {
      admin
          .configMaps()
          .inNamespace("default")
          .resource(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
    Path kubeconfig =
        server.writeServiceAccountKubeconfig(
            dir.resolve("operator"), "betanet-system", "betanet-operator");
    Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
    operatorToken = config.getAutoOAuthToken();
    operator = new KubernetesClientBuilder().withConfig(config).build();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aServiceAccountMayDoWhatItsRoleGrantsOnly() {
    assertThat(operator.configMaps().inNamespace("default").withName("x").get()).isNotNull();
    assertThatThrownBy(() -> operator.configMaps().inNamespace("default").withName("x").delete())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(403);
              assertThat(e.getStatus().getMessage())
                  .isEqualTo(
                      "configmaps \"x\" is forbidden: User \""
                          + OPERATOR
                          + "\" cannot delete resource \"configmaps\" in API group \"\" in the"
                          + " namespace \"default\"");
            });
    assertThat(admin.configMaps().inNamespace("default").withName("x").get()).isNotNull();
    assertThat(admin.configMaps().inNamespace("default").withName("y").delete()).hasSize(1);
  }

  @Test
  void theSameTokenIsJudgedThroughKubectlsPortAndAWatchAsAWatch() throws Exception {
    // The operator may list pods (the canary finds routers) but not watch them.
    assertThat(front("/api/v1/pods", operatorToken).statusCode()).isEqualTo(200);
    // A watch the front let through would end after 2 s with 200: the test cannot hang.
    HttpResponse<String> watch = front("/api/v1/pods?watch=true&timeoutSeconds=2", operatorToken);
    assertThat(watch.statusCode()).isEqualTo(403);
    assertThat(watch.body())
        .contains("\"reason\":\"Forbidden\"")
        .contains("cannot watch resource \\\"pods\\\" in API group \\\"\\\" at the cluster scope");
    assertThat(front("/api/v1/namespaces/default/configmaps/x", "not-issued-here").statusCode())
        .isEqualTo(401);
  }

  @Test
  void kubectlIsTheAdministrator() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Kubectl.onPath(), "kubectl is not on PATH");
    Kubectl kubectl = new Kubectl(server.writeKubeconfig(dir.resolve("kubeconfig")));
    assertThat(kubectl.ok("get", "configmaps", "-o", "name")).contains("configmap/x");
    assertThat(kubectl.ok("get", "clusterrole", "betanet-operator", "-o", "name"))
        .contains("clusterrole.rbac.authorization.k8s.io/betanet-operator");
  }

  private static HttpResponse<String> front(String path, String token) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create(server.kubectlUrl() + path))
              .header("Authorization", "Bearer " + token)
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
