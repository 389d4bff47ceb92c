package dev.betanet.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real in-process API with RBAC in front, called by real Fabric8 clients: the administrator (no
 * credentials) and service accounts (their bearer tokens).
 */
class RbacDispatcherTest {

  private final BearerTokens tokens = new BearerTokens();
  private RbacDispatcher dispatcher;
  private KubernetesMockServer server;
  private KubernetesClient admin;

  @BeforeEach
  void start() {
    dispatcher = new RbacDispatcher(new KubernetesCrudDispatcher(), tokens);
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    admin = client(null);
    for (String name : List.of("mine", "theirs")) {
      admin
          .configMaps()
          .inNamespace("a")
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .endMetadata()
                  .addToData("k", name)
                  .build())
          .create();
    }
  }

  @AfterEach
  void stop() {
    admin.close();
    server.destroy();
  }

  private KubernetesClient client(String token) {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("http://127.0.0.1:" + server.getPort())
            .withNamespace("a")
            .withOauthToken(token)
            .withRequestRetryBackoffLimit(0)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private KubernetesClient serviceAccount(String namespace, String name) {
    return client(tokens.issue(namespace, name));
  }

  private void bindRole(String namespace, String account, PolicyRule... rules) {
    admin
        .rbac()
        .roles()
        .inNamespace(namespace)
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName(account)
                .endMetadata()
                .withRules(rules)
                .build())
        .createOr(r -> r.update());
    admin
        .rbac()
        .roleBindings()
        .inNamespace(namespace)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(account)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", account)
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(account)
                .withNamespace(namespace)
                .endSubject()
                .build())
        .createOr(r -> r.update());
  }

  private static PolicyRule configMaps(List<String> names, String... verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups("")
        .withResources("configmaps")
        .withResourceNames(names)
        .withVerbs(verbs)
        .build();
  }

  @Test
  void anUnboundServiceAccountIsRefusedWithTheApiServersStatus() {
    try (KubernetesClient sa = serviceAccount("a", "nobody")) {
      assertThatThrownBy(() -> sa.configMaps().withName("mine").get())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(403);
                assertThat(e.getStatus().getReason()).isEqualTo("Forbidden");
                assertThat(e.getStatus().getMessage())
                    .isEqualTo(
                        "configmaps \"mine\" is forbidden: User"
                            + " \"system:serviceaccount:a:nobody\" cannot get resource"
                            + " \"configmaps\" in API group \"\" in the namespace \"a\"");
                assertThat(e.getStatus().getDetails().getName()).isEqualTo("mine");
                assertThat(e.getStatus().getDetails().getKind()).isEqualTo("configmaps");
              });
    }
  }

  @Test
  void anUnknownTokenIsUnauthorized() {
    try (KubernetesClient stranger = client("made-up")) {
      assertThatThrownBy(() -> stranger.configMaps().withName("mine").get())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));
    }
  }

  @Test
  void resourceNamesAllowOnlyTheNamedObjectAndItsWatch() throws Exception {
    bindRole("a", "reader", configMaps(List.of("mine"), "get", "list", "watch"));
    try (KubernetesClient sa = serviceAccount("a", "reader")) {
      assertThat(sa.configMaps().withName("mine").get().getData()).containsEntry("k", "mine");
      assertThat(forbidden(() -> sa.configMaps().withName("theirs").get())).isTrue();
      assertThat(forbidden(() -> sa.configMaps().list())).isTrue();
      CompletableFuture<ConfigMap> seen = new CompletableFuture<>();
      try (var watch = sa.configMaps().withName("mine").watch(watcher(seen))) {
        admin
            .configMaps()
            .withName("mine")
            .edit(c -> new ConfigMapBuilder(c).addToData("k", "2").build());
        assertThat(seen.get(10, TimeUnit.SECONDS).getData()).containsEntry("k", "2");
      }
      CompletableFuture<ConfigMap> refused = new CompletableFuture<>();
      assertThat(forbidden(() -> sa.configMaps().watch(watcher(refused)))).isTrue();
    }
  }

  @Test
  void aRoleBindingGrantsInItsNamespaceOnlyAndVerbsAreExact() {
    bindRole("a", "getter", configMaps(List.of(), "get"));
    try (KubernetesClient sa = serviceAccount("a", "getter")) {
      assertThat(sa.configMaps().withName("theirs").get()).isNotNull();
      assertThat(forbidden(() -> sa.configMaps().inNamespace("b").withName("x").get())).isTrue();
      assertThat(
              forbidden(
                  () ->
                      sa.configMaps()
                          .withName("mine")
                          .edit(c -> new ConfigMapBuilder(c).addToData("k", "3").build())))
          .isTrue();
    }
  }

  @Test
  void aSubresourceNeedsItsOwnRuleOrAWildcard() {
    bindRole(
        "a",
        "statusless",
        new PolicyRuleBuilder()
            .withApiGroups("")
            .withResources("pods")
            .withVerbs("get", "update")
            .build());
    RequestAttributes status = RequestAttributes.of("PUT", "/api/v1/namespaces/a/pods/p/status");
    RbacPolicy policy = dispatcher.policy();
    UserInfo user = UserInfo.serviceAccount("a", "statusless");
    assertThat(policy.allows(user, RequestAttributes.of("PUT", "/api/v1/namespaces/a/pods/p")))
        .isTrue();
    assertThat(policy.allows(user, status)).isFalse();
    bindRole(
        "a",
        "statusless",
        new PolicyRuleBuilder()
            .withApiGroups("*")
            .withResources("*/status")
            .withVerbs("*")
            .build());
    assertThat(policy.allows(user, status)).isTrue();
  }

  @Test
  void aClusterRoleBindingGrantsEverywhereIncludingClusterScope() {
    admin
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName("cm-lister")
                .endMetadata()
                .withRules(configMaps(List.of(), "list"))
                .build())
        .create();
    admin
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("cm-lister")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cm-lister")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("lister")
                .withNamespace("z")
                .endSubject()
                .build())
        .create();
    try (KubernetesClient sa = serviceAccount("z", "lister")) {
      assertThat(sa.configMaps().inAnyNamespace().list().getItems()).hasSize(2);
      assertThat(sa.configMaps().inNamespace("a").list().getItems()).hasSize(2);
      assertThat(forbidden(() -> sa.secrets().inNamespace("a").list())).isTrue();
    }
  }

  @Test
  void aRoleGrantingMoreThanTheWriterHoldsIsRefused() {
    bindRole(
        "a",
        "writer",
        configMaps(List.of(), "get"),
        new PolicyRuleBuilder()
            .withApiGroups("rbac.authorization.k8s.io")
            .withResources("roles")
            .withVerbs("create")
            .build());
    Role wider =
        new RoleBuilder()
            .withNewMetadata()
            .withName("wider")
            .endMetadata()
            .withRules(configMaps(List.of("mine"), "get", "watch"))
            .build();
    Role within =
        new RoleBuilder()
            .withNewMetadata()
            .withName("within")
            .endMetadata()
            .withRules(configMaps(List.of("mine"), "get"))
            .build();
    try (KubernetesClient sa = serviceAccount("a", "writer")) {
      assertThatThrownBy(() -> sa.rbac().roles().resource(wider).create())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(403);
                assertThat(e.getStatus().getMessage())
                    .contains("is attempting to grant RBAC permissions not currently held")
                    .contains(
                        "{APIGroups:[\"\"], Resources:[\"configmaps\"],"
                            + " ResourceNames:[\"mine\"], Verbs:[\"watch\"]}");
              });
      assertThat(sa.rbac().roles().resource(within).create()).isNotNull();
    }
  }

  @Test
  void aServiceAccountReviewsItsOwnRules() {
    bindRole("a", "reviewer", configMaps(List.of("mine"), "get"));
    try (KubernetesClient sa = serviceAccount("a", "reviewer")) {
      var review =
          sa.authorization()
              .v1()
              .selfSubjectRulesReview()
              .create(
                  new io.fabric8.kubernetes.api.model.authorization.v1
                          .SelfSubjectRulesReviewBuilder()
                      .withNewSpec()
                      .withNamespace("a")
                      .endSpec()
                      .build());
      assertThat(review.getStatus().getResourceRules())
          .anySatisfy(
              r -> {
                assertThat(r.getResources()).containsExactly("configmaps");
                assertThat(r.getResourceNames()).containsExactly("mine");
              });
    }
  }

  private static boolean forbidden(Runnable call) {
    try {
      call.run();
      return false;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 403) {
        throw e;
      }
      return true;
    }
  }

  private static Watcher<ConfigMap> watcher(CompletableFuture<ConfigMap> seen) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap resource) {
        if (action == Action.MODIFIED) {
          seen.complete(resource);
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        seen.completeExceptionally(cause);
      }
    };
  }
}
