package dev.betanet.operator;

import dev.betanet.rbac.BearerTokens;
import dev.betanet.rbac.RbacDispatcher;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.MockServerExpectation;
import io.quarkus.test.common.QuarkusTestResourceConfigurableLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** The resource behind {@link WithRbacApiServer}. */
public final class RbacApiServer
    implements QuarkusTestResourceConfigurableLifecycleManager<WithRbacApiServer> {

  static final String OPERATOR_NAMESPACE = "betanet-system";
  static final String OPERATOR_ACCOUNT = "betanet-operator";

  private final BearerTokens tokens = new BearerTokens();
  private final Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
  private List<String> withoutVerbs = List.of();
  private Consumer<RbacApiServer> setup = new WithRbacApiServer.NoSetup();
  private KubernetesMockServer server;
  private KubernetesClient admin;

  @Override
  public void init(WithRbacApiServer annotation) {
    withoutVerbs = List.of(annotation.withoutVerbs());
    try {
      setup = annotation.setup().getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("setup " + annotation.setup() + " cannot be created", e);
    }
  }

  @Override
  public Map<String, String> start() {
    server =
        new KubernetesMockServer(
            new io.fabric8.mockwebserver.Context(),
            new MockWebServer(),
            expectations,
            new RbacDispatcher(new KubernetesMixedDispatcher(expectations), tokens),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    String url = "http://127.0.0.1:" + server.getPort();
    admin = client(url, null);
    Path repository = Path.of(System.getProperty("betanet.crds.dir")).getParent();
    apply(repository.resolve("crds"));
    apply(repository.resolve("k8s/install"));
    setup.accept(this);

    String token = tokens.issue(OPERATOR_NAMESPACE, OPERATOR_ACCOUNT);
    Map<String, String> config = new LinkedHashMap<>();
    // The Quarkus client starts from Fabric8's auto-configuration: these system properties (its
    // own quarkus.kubernetes-client.* settings are fixed at build time).
    config.put("kubernetes.master", url);
    config.put("kubernetes.auth.token", token);
    config.put("kubernetes.auth.tryKubeConfig", "false");
    config.put("kubernetes.auth.tryServiceAccount", "false");
    config.put("kubernetes.namespace", "test");
    config.put("http2.disable", "true");
    config.forEach(System::setProperty);
    return config;
  }

  private static KubernetesClient client(String url, String token) {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url)
            .withNamespace("test")
            .withOauthToken(token)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Applies every YAML file in {@code dir} as an administrator (as kubectl apply -f dir/). */
  private void apply(Path dir) {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> listing = Files.list(dir)) {
      listing
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted()
          .forEach(files::add);
      for (Path file : files) {
        try (InputStream in = Files.newInputStream(file)) {
          for (HasMetadata item : admin.load(in).items()) {
            if (item instanceof ClusterRole role) {
              withoutVerbs.forEach(cut -> remove(role, cut));
            }
            admin.resource(item).create();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void remove(ClusterRole role, String resourceVerb) {
    String resource = resourceVerb.substring(0, resourceVerb.indexOf(':'));
    String verb = resourceVerb.substring(resourceVerb.indexOf(':') + 1);
    boolean found = false;
    for (PolicyRule rule : role.getRules()) {
      if (rule.getResources().contains(resource) && rule.getVerbs().contains(verb)) {
        List<String> verbs = new ArrayList<>(rule.getVerbs());
        verbs.remove(verb);
        rule.setVerbs(verbs);
        found = true;
      }
    }
    if (!found) {
      throw new IllegalArgumentException(
          "the install's ClusterRole "
              + role.getMetadata().getName()
              + " grants no "
              + resourceVerb);
    }
  }

  /** An administrator's client (no credentials: the local administrator). */
  public KubernetesClient getClient() {
    return admin;
  }

  /** Canned answers, which come before the stored objects and RBAC's verdict is still applied. */
  public MockServerExpectation expect() {
    return server.expect();
  }

  /** A client for service account {@code namespace/name}, with a token the API issues for it. */
  public KubernetesClient serviceAccountClient(String namespace, String name) {
    return client("http://127.0.0.1:" + server.getPort(), tokens.issue(namespace, name));
  }

  @Override
  public void inject(TestInjector injector) {
    injector.injectIntoFields(
        admin, new TestInjector.AnnotatedAndMatchesType(ApiAdmin.class, KubernetesClient.class));
    injector.injectIntoFields(
        this, new TestInjector.AnnotatedAndMatchesType(ApiAdmin.class, RbacApiServer.class));
  }

  @Override
  public void stop() {
    if (admin != null) {
      admin.close();
    }
    if (server != null) {
      server.destroy();
    }
    System.clearProperty("kubernetes.auth.token");
  }
}
